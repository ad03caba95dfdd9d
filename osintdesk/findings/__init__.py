"""What the evidence shows: entities in FollowTheMoney's schemata (the case's aircraft are
its Airplane entities, airports become place entities when referred to), links between
them, events, claims with the citations that support or contradict them, checks of claims
against the flight tracks, and sources tied by hand to what they are about. No Qt."""
