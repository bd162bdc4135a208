"""The sample API's schemas, input and output, built from the settings' rules."""

from __future__ import annotations

from marshmallow import Schema

from sample_capability.settings import GREETING
from teamkit.api.fields import text_field


class SampleSettingsSchema(Schema):
    """The team's sample settings, dumped from the row (sample_capability.models)."""

    greeting = text_field(GREETING, metadata={"description": "What the sample page says."})
