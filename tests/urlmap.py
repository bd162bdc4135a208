"""Walk the app's URL map, so tests cover every route, including ones added later."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from teamkit.api.setup import API_PATH
from teamkit.teams.guard import TEAM_URL_ARG

#: Methods every rule answers on its own; they reach no view.
IMPLICIT_METHODS = frozenset({"HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Call:
    """One request the walker makes: a rule, a method and a URL built for it."""

    rule: Rule
    method: str
    url: str

    @property
    def is_api(self) -> bool:
        return self.url.startswith(API_PATH)

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.rule.endpoint})"


def team_rules(app: Flask) -> list[Rule]:
    """Return every rule whose URL names a team."""
    return [rule for rule in app.url_map.iter_rules() if TEAM_URL_ARG in rule.arguments]


def build_url(rule: Rule, slug: str) -> str:
    """Build a URL of `rule`: the team's slug, 1 for numbers, "x" for any other text."""
    values: dict[str, object] = {}
    # Werkzeug keeps a rule's converters private; they tell which arguments are numbers.
    converters = rule._converters
    for name in rule.arguments:
        if name == TEAM_URL_ARG:
            values[name] = slug
        elif isinstance(converters.get(name), IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule}"
    return built[1]


def calls(rules: list[Rule], slug: str) -> Iterator[Call]:
    """Yield one call per rule and method that rule answers."""
    for rule in rules:
        url = build_url(rule, slug)
        for method in sorted((rule.methods or set()) - IMPLICIT_METHODS):
            yield Call(rule, method, url)
