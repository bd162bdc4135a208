"""The sample settings form, its validators built from the settings' rules."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField

from sample_capability.settings import GREETING
from teamkit.forms import text_rules


class SampleSettingsForm(FlaskForm):
    """The team's greeting."""

    greeting = StringField("Greeting", validators=text_rules(GREETING))

    def values(self) -> dict[str, Any]:
        """Return what the form asks for, by the settings' names."""
        return {"greeting": self.greeting.data}
