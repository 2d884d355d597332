"""What every complaints API module parses the same way."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

# Citizens' forms come as JSON from apps and as multipart from browsers (files).
PARSERS = [JSONParser, MultiPartParser, FormParser]


def optional_text(**kwargs: Any) -> serializers.CharField:
    """A text field that may be absent or blank: the action decides what is required."""
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)
