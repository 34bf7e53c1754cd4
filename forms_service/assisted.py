"""Assisted digital: how a member of staff helps a citizen, and how the record says so.

Used by the staff journey (views/assisted.py) and by every output of a submission (staff
page, JSON, API, CSV, PDF), so they all word it the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forms_service.definitions.model import ASSISTED

TELEPHONE, FACE_TO_FACE, PAPER, OTHER = "telephone", "face_to_face", "paper", "other"
# How they are helping, as the start page offers it; translated where shown.
METHOD_LABELS = {
    TELEPHONE: "By telephone",
    FACE_TO_FACE: "Face to face",
    PAPER: "Paper form received by post",
    OTHER: "Another way",
}
# The same, inside a sentence: "... on behalf of the applicant (telephone)".
METHOD_WORDS = {
    TELEPHONE: "telephone",
    FACE_TO_FACE: "face to face",
    PAPER: "paper form received by post",
    OTHER: "other",
}
# The same, after "You are completing this for Ana Silva, ...".
METHOD_PHRASES = {
    TELEPHONE: "by telephone",
    FACE_TO_FACE: "face to face",
    PAPER: "from a paper form received by post",
    OTHER: "another way",
}
PAPER_CHANNEL = "paper"


def channel_of(method: str) -> str:
    """The submission's channel: keyed in from a posted paper form, or assisted."""
    return PAPER_CHANNEL if method == PAPER else ASSISTED


def completed_by(assisted: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """'Completed by Al Jones on behalf of the applicant (telephone)' for a record."""
    method = assisted.get("method", OTHER)
    how = gettext(METHOD_WORDS.get(method, method))
    if method == OTHER and assisted.get("note"):
        how = f"{how}: {assisted['note']}"
    sentence = gettext("Completed by %(staff)s on behalf of the applicant (%(how)s)")
    return sentence % {"staff": assisted.get("staff_name", ""), "how": how}


def helping(form_title: str, assisted: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """The staff banner: 'You are completing Book a prison visit for Ana Silva, by
    telephone' (the note stands in for 'another way')."""
    method = assisted.get("method", OTHER)
    how = gettext(METHOD_PHRASES.get(method, method))
    if method == OTHER and assisted.get("note"):
        how = assisted["note"]
    sentence = gettext("You are completing %(form)s for %(name)s, %(how)s")
    return sentence % {"form": form_title, "name": assisted.get("citizen_name", ""), "how": how}
