"""The settings `aduan up`, the systemd units and the container use."""

from aduan.settings.base import *  # noqa: F403
