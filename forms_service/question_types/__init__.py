"""Question types: everything about each type of the form-definition contract, in one package.

Import from here: ``question_type(question)`` gives a question's type, ``REGISTRY`` maps type
names to types, ``Invalid`` is raised for an answer that cannot be accepted, ``Display`` is
what showing an answer needs, ``ERROR_KINDS`` the error message kinds authors may set.

Nothing in this package imports Flask, WTForms, the definitions or the journey: they all
build on it. Rendering (WTForms field, GOV.UK component) is in forms_service.views.question_fields.
"""

from forms_service.question_types.types import (
    ERROR_KINDS,
    REGISTRY,
    Display,
    Invalid,
    QuestionType,
    question_type,
)

__all__ = ["ERROR_KINDS", "REGISTRY", "Display", "Invalid", "QuestionType", "question_type"]
