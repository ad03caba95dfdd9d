"""Test support: generators of sample files (flight formats, web pages, documents), the test
servers on 127.0.0.1 and their fixtures. Used by the tests and the benchmarks, never shipped."""
