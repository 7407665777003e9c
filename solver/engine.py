"""One week's matching: case → eligibility → MatchProblem → solve → explanations.

This is the only entry point the service, the CLI and the simulation use.
"""
