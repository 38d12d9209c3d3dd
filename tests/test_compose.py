"""The production shape in docker-compose.yml: migrations run once, in a one-shot service that
every application process waits for; the processes use the README's entry points."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APPLICATION = ("web", "worker", "beat")


def _make_target(name: str) -> list[str]:
    """The recipe lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_migrations_run_once_in_a_one_shot_service():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["make", "migrate"]
    assert migrate["restart"] == "no"
    assert any("manage.py migrate" in line for line in _make_target("migrate"))


def test_every_application_process_waits_for_the_migrations():
    for name in APPLICATION:
        waits_for = SERVICES[name]["depends_on"]
        assert waits_for["migrate"] == {"condition": "service_completed_successfully"}, name


def test_no_scaled_process_migrates_by_itself():
    for name in APPLICATION:
        target = SERVICES[name]["command"][-1]
        assert SERVICES[name]["command"] == ["make", target]
        assert not any("migrate" in line for line in _make_target(target)), name


def test_exactly_one_beat():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1
