"""Who may do what: users and their passwords, API tokens, browser sessions."""

from onair.access.passwords import Passwords
from onair.access.ports import AccessStore
from onair.access.service import Access

__all__ = ["Access", "AccessStore", "Passwords"]
