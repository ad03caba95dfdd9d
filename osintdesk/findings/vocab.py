"""The fixed words of claims, in a module that imports nothing, so the command line can
offer them as choices (``--help`` lists them, a wrong one is a usage error) without loading
the findings package."""

STATUSES = ("open", "supported", "contested", "refuted")
# Words of estimative probability (ICD 203), most to least likely.
CONFIDENCES = ("almost certain", "very likely", "likely", "roughly even chance", "unlikely",
               "very unlikely", "remote")
CHECKS = ("flew", "on-ground", "airborne")
