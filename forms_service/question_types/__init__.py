"""Question types: everything about each type of the form-definition contract, in one package.

One module per type (or close family: text and textarea, number and money...), each a
QuestionType subclass (base.py) holding the type's keys, parsing, storage shape, display,
CSV cell, type in conditions and an example answer. To add a question type, write its module
here and add it to REGISTRY below; if it needs a GOV.UK component no type uses yet, add a
renderer in forms_service.views.question_fields.

Import from here: ``question_type(question)`` gives a question's type, ``REGISTRY`` maps type
names to types, ``Invalid`` is raised for an answer that cannot be accepted, ``Display`` is
what showing an answer needs, ``ERROR_KINDS`` the error message kinds authors may set,
``csv_cell(value)`` the CSV text of a value that has no question.
Nothing in this package imports Flask, WTForms, the definitions or the journey at run time:
they all build on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forms_service.question_types.address import AddressType
from forms_service.question_types.base import (
    ERROR_KINDS,
    Display,
    Invalid,
    QuestionType,
    csv_cell,
)
from forms_service.question_types.choice import CheckboxesType, ChoiceType, SelectType
from forms_service.question_types.content import ContentType
from forms_service.question_types.date import DateType
from forms_service.question_types.email_address import EmailType
from forms_service.question_types.name import NameType
from forms_service.question_types.national_insurance_number import NinoType
from forms_service.question_types.number import MoneyType, NumberType
from forms_service.question_types.phone import PhoneType
from forms_service.question_types.postcode import PostcodeType
from forms_service.question_types.text import TextareaType, TextType
from forms_service.question_types.yes_no import YesNoType

if TYPE_CHECKING:
    from forms_service.definitions.model import Question

__all__ = [
    "ERROR_KINDS",
    "REGISTRY",
    "Display",
    "Invalid",
    "QuestionType",
    "csv_cell",
    "question_type",
]

REGISTRY: dict[str, QuestionType] = {
    t.name: t
    for t in (
        TextType(),
        TextareaType(),
        NumberType(),
        MoneyType(),
        DateType(),
        ChoiceType(),
        CheckboxesType(),
        SelectType(),
        YesNoType(),
        EmailType(),
        PhoneType(),
        PostcodeType(),
        AddressType(),
        NameType(),
        NinoType(),
        ContentType(),
    )
}


def question_type(question: Question) -> QuestionType:
    """The type of a question (a definition only ever names registered types)."""
    return REGISTRY[question.type]
