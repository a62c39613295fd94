"""Edit forms: add, edit, revise target, checkpoint, status, close, live lint."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
