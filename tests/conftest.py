"""Shared test settings: a hypothesis profile sized for 2 cores."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header() -> str:
    import autograd  # noqa: F401 - imports the modules compiled_modules() looks at
    from autograd.compiled import PURE_REQUESTED, compiled_modules

    modules = compiled_modules()
    if modules:
        return "chainrule engine: compiled with mypyc (" + ", ".join(modules) + ")"
    return "chainrule engine: Python source" + (" (CHAINRULE_PURE is set)" if PURE_REQUESTED else "")
