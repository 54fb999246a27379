"""Test-suite settings: hypothesis draws the same examples in every run (a CI failure can be
reproduced, and a passing suite stays passing); the deep `-m slow` fuzz runs ask for random
draws themselves."""

from hypothesis import settings

settings.register_profile("tisot", derandomize=True, deadline=None)
settings.load_profile("tisot")
