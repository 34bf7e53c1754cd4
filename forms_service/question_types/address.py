"""`address`: a UK address in parts, or an international one with a country."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types import values as V
from forms_service.question_types.base import N_, Display, Invalid
from forms_service.question_types.compound import CompoundType

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class AddressType(CompoundType):
    name = "address"
    parts = ("line1", "line2", "town", "county", "postcode")
    optional_parts = frozenset({"line2", "county"})
    part_labels = {
        "line1": (N_("Address line 1"), "address-line1", ""),
        "line2": (N_("Address line 2"), "address-line2", ""),
        "town": (N_("Town or city"), "address-level2", "two-thirds"),
        "county": (N_("County"), "address-level1", "two-thirds"),
        "postcode": (N_("Postcode"), "postal-code", "govuk-input--width-10"),
        "country": (N_("Country"), "country-name", "two-thirds"),
    }
    keys = {"international": K.BOOL, "max_length": K.MAX_LENGTH}
    examples = {
        "line1": "1 Example Street",
        "town": "London",
        "postcode": "SW1A 1AA",
        "country": "United Kingdom",
    }
    messages = {
        "required": N_("Enter {name}"),
        "line1_required": N_("Enter address line 1, typically the building and street"),
        "town_required": N_("Enter town or city"),
        "postcode_required": N_("Enter postcode"),
        "country_required": N_("Enter country"),
        "postcode_invalid": N_("Enter a full UK postcode"),
        "line1_too_long": N_("Address line 1 must be {max} characters or less"),
        "line2_too_long": N_("Address line 2 must be {max} characters or less"),
        "town_too_long": N_("Town or city must be {max} characters or less"),
        "county_too_long": N_("County must be {max} characters or less"),
        "postcode_too_long": N_("Enter a full UK postcode"),
        "country_too_long": N_("Country must be {max} characters or less"),
        "invalid": N_("Enter {name} in the correct format"),
    }
    plain_messages = {
        "required": N_("Enter an address"),
        "invalid": N_("Enter the address in the correct format"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts + (("country",) if question.setting("international") else ())

    def optional(self, question: Question) -> frozenset[str]:
        if question.setting("international"):
            return self.optional_parts | {"postcode"}
        return self.optional_parts

    def normalise(self, question: Question, value: dict[str, str]) -> dict[str, str]:
        if value.get("postcode") and not question.setting("international"):
            try:
                value["postcode"] = V.normalise_postcode(value["postcode"])
            except V.InvalidValue:
                raise Invalid("postcode_invalid", ("postcode",)) from None
        return value

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [line for line in (value or {}).values() if line]
