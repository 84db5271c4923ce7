"""Bench-only Django app for benchmarks/bench_foi_submit.py: the settings, the URLconf and the
"ceiling" endpoint (a bare view doing one ORM create()) that the FOI submission is compared with.
Never installed by yangguang itself; the benchmark puts benchmarks/ on PYTHONPATH."""
