"""The REST API under /api/v1: a thin face over the service functions and the store."""

from __future__ import annotations

from boardloop.api._app import API_PREFIX, create_app, create_app_from_environment
from boardloop.api._settings import (
    ApiSettings,
    ServerSettingsError,
    load_settings,
)

__all__ = [
    "API_PREFIX",
    "ApiSettings",
    "ServerSettingsError",
    "create_app",
    "create_app_from_environment",
    "load_settings",
]
