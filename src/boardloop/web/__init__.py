"""The web pages: server-rendered HTML over the same sessions and edits as the API.

`install_web` mounts the pages (outside /api/v1) and the static files on the
API's app. Pages read and edit through the service functions and
`boardloop.edits`; nothing here computes a verdict or a finding.
"""

from __future__ import annotations

from boardloop.web._install import STATIC_PREFIX, install_web

__all__ = ["STATIC_PREFIX", "install_web"]
