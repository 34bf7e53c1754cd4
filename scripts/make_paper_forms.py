"""Write the fillable paper versions of the three real forms into form_definitions/paper/.

    .venv/bin/python scripts/make_paper_forms.py

The real paper forms are not available offline, so these are our own: the key pages of each
form (not every question), laid out like a plain government paper form, with AcroForm fields
named as real paper forms name them. Every box answers a question of the online form (see the
`paper_form:` blocks that map them); the radio buttons' and drop-downs' export values are the
online options' values. Between them the three forms use every kind of box a paper form
mapping can name: dates in three boxes and in one, a money box with a printed £, a yes/no as
one check box and as a Yes/No pair, radio groups, a drop-down, a list box, one check box per
option, names and addresses in parts and in one box, and repeated blocks (fewer than the
online form allows, so extra items go on a continuation page).

The output is deterministic: running the script again writes the same bytes, and
tests/unit/test_fillable_pdf.py fails if the committed PDFs drift from what it makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from any directory
    sys.path.insert(0, str(ROOT))

from forms_service.testing.fillable_pdf import FillablePdf  # noqa: E402

DEFINITIONS = ROOT / "form_definitions"
PAPER = DEFINITIONS / "paper"
INSTRUCTIONS = "Use black ink and capital letters. Put a cross (X) in the boxes that apply."


def _list_options(definition: str, list_name: str) -> list[tuple[str, str]]:
    """(value, English label) of a named list of a definition: the paper prints the same."""
    data = yaml.safe_load((DEFINITIONS / definition).read_text(encoding="utf-8"))
    options = []
    for option in data["lists"][list_name]:
        label = option["label"]
        options.append((option["value"], label["en"] if isinstance(label, dict) else label))
    return options


VISIT_TIMES = [
    ("morning", "Morning, 9:30am to 11:30am"),
    ("afternoon", "Afternoon, 2pm to 4pm"),
    ("evening", "Evening, 6pm to 8pm"),
]


def prison_visit_booking() -> bytes:
    pdf = FillablePdf(
        "Book a prison visit",
        form_code="PVB1",
        organisation="HM Prison and Probation Service",
        instructions=(
            INSTRUCTIONS,
            "You must be 18 or over to book a visit. Up to 6 people can visit, and no more "
            "than 3 of them can be aged 18 or over.",
        ),
    )
    pdf.section("The prisoner you want to visit")
    pdf.text_field("Prisoner first name", "Prisoner's first name", max_length=30, width=250)
    pdf.text_field("Prisoner last name", "Prisoner's last name", max_length=30, width=250)
    pdf.date_boxes(
        "Prisoner's date of birth",
        day="Prisoner DOB day",
        month="Prisoner DOB month",
        year="Prisoner DOB year",
        tooltip="Prisoner's date of birth",
    )
    pdf.text_field(
        "Prison number",
        "Prison number (for example, A1234BC)",
        max_length=7,
        width=90,
        tooltip="Prison number",
    )
    pdf.choice(
        "Prison",
        "Prison name",
        _list_options("prison-visit-booking.yaml", "prisons"),
        tooltip="Prison name",
    )

    pdf.section("When you want to visit")
    pdf.paragraph(
        "Give up to 3 choices. Choose dates at least 3 working days from the day you send "
        "this form and within the next 28 days. Write dates as DD/MM/YYYY."
    )
    for n, choice in ((1, "First"), (2, "Second"), (3, "Third")):
        pdf.text_field(
            f"Visit {n} date",
            f"{choice} choice: date (DD/MM/YYYY)",
            max_length=10,
            width=90,
            tooltip=f"{choice} choice: date",
        )
        pdf.radio_group(
            f"Visit {n} time",
            f"{choice} choice: time",
            VISIT_TIMES,
            tooltip=f"{choice} choice: time",
        )

    pdf.section("About you (the person requesting the visit)")
    pdf.text_field("Lead visitor first name", "First name", max_length=30, width=250)
    pdf.text_field("Lead visitor last name", "Last name", max_length=30, width=250)
    pdf.date_boxes(
        "Date of birth",
        day="Lead visitor DOB day",
        month="Lead visitor DOB month",
        year="Lead visitor DOB year",
        tooltip="Your date of birth",
    )
    pdf.text_field("Email address", "Email address", width=300)
    pdf.text_field("Phone number", "Phone number", width=160)

    pdf.section("Other visitors")
    pdf.paragraph(
        "Give the details of up to 3 other people visiting with you. If more people are "
        "visiting, give their details on a separate sheet."
    )
    for n in (1, 2, 3):
        pdf.paragraph(f"Visitor {n}", bold=True)
        pdf.text_field(f"Visitor {n} first name", "First name", max_length=30, width=250)
        pdf.text_field(f"Visitor {n} last name", "Last name", max_length=30, width=250)
        pdf.date_boxes(
            "Date of birth",
            day=f"Visitor {n} DOB day",
            month=f"Visitor {n} DOB month",
            year=f"Visitor {n} DOB year",
            tooltip=f"Visitor {n} date of birth",
        )

    pdf.section("Additional support")
    pdf.radio_group(
        "Support needed",
        "Do you need any additional support for your visit?",
        [("yes", "Yes"), ("no", "No")],
        horizontal=True,
        tooltip="Do you need any additional support for your visit?",
    )
    pdf.text_field(
        "Support details",
        "If yes, tell us the support you need (for example, wheelchair access or a hearing loop)",
        multiline=True,
        height=50,
        max_length=200,
        tooltip="Details of the support you need",
    )

    pdf.declaration(
        "The information I have given is true to the best of my knowledge. I understand that "
        "this is a request, and the visit is not booked until the prison confirms it, and "
        "that every visitor aged 18 or over must bring photo ID to the visit.",
        tooltip="Signature of the person requesting",
    )
    return pdf.build()


def criminal_injuries_compensation() -> bytes:
    pdf = FillablePdf(
        "Claim criminal injuries compensation",
        form_code="CICA1",
        organisation="Criminal Injuries Compensation Authority",
        instructions=(
            INSTRUCTIONS,
            "The crime must have been reported to the police before you apply.",
        ),
    )
    pdf.section("About the application")
    pdf.radio_group(
        "Applying for",
        "Who are you applying for?",
        [("myself", "Myself"), ("someone-else", "Someone else")],
        horizontal=True,
        tooltip="Who are you applying for?",
    )
    pdf.yes_no_boxes(
        "Is the person the claim is for 18 or over?",
        yes="Over 18 yes",
        no="Over 18 no",
        tooltip="18 or over",
    )
    pdf.checkbox(
        "Crime reported",
        "Put a cross in this box if the crime was reported to the police",
        tooltip="The crime was reported to the police",
    )

    pdf.section("Personal details of the person the claim is for")
    pdf.text_field("Title", "Title (for example, Mr, Mrs, Ms, Dr)", max_length=6, width=60)
    pdf.text_field("First name", "First name", max_length=70, width=250)
    pdf.text_field("Last name", "Last name", max_length=70, width=250)
    pdf.date_boxes(
        "Date of birth",
        day="Date of birth day",
        month="Date of birth month",
        year="Date of birth year",
        tooltip="Date of birth",
    )
    pdf.text_field("Address line 1", "Address line 1", max_length=32, width=300)
    pdf.text_field("Address line 2", "Address line 2 (optional)", max_length=32, width=300)
    pdf.text_field("Town or city", "Town or city", max_length=32, width=250)
    pdf.text_field("County", "County (optional)", max_length=32, width=250)
    pdf.text_field("Postcode", "Postcode", max_length=8, width=90)
    pdf.text_field("Email address", "Email address", width=300)
    pdf.text_field("Phone number", "Phone number", width=160)
    pdf.yes_no_boxes(
        "Were they a British citizen when the crime happened?",
        yes="British citizen yes",
        no="British citizen no",
        tooltip="British citizen",
    )

    pdf.section("About the crime")
    pdf.text_field(
        "Date of crime",
        "When did the crime happen? (DD/MM/YYYY)",
        max_length=10,
        width=90,
        tooltip="Date of the crime",
    )
    pdf.radio_group(
        "Country",
        "Where did the crime happen?",
        [
            ("england", "England"),
            ("scotland", "Scotland"),
            ("wales", "Wales"),
            ("somewhere-else", "Somewhere else"),
        ],
        horizontal=True,
        tooltip="Where did the crime happen?",
    )
    pdf.text_field("Town of crime", "Town or city where the crime happened", width=250)
    pdf.text_field("Police force", "Which police force is investigating the crime?", width=300)
    pdf.text_field("Crime reference", "Crime reference number", max_length=30, width=200)
    pdf.checkbox_group(
        "What caused the injuries? Put a cross in all that apply.",
        [
            ("Cause physical assault", "Physical assault"),
            ("Cause sexual assault", "Sexual assault or abuse"),
            ("Cause domestic abuse", "Domestic or family abuse"),
            ("Cause arson", "Arson"),
            ("Cause terrorism", "Terrorism"),
            ("Cause animal attack", "Animal attack"),
            ("Cause other", "Other"),
        ],
    )
    pdf.text_field(
        "Crime description",
        "Briefly describe what happened",
        multiline=True,
        height=80,
        tooltip="Description of the crime",
    )

    pdf.section("Money")
    pdf.text_field(
        "Funeral cost",
        "If someone died: how much did the funeral cost?",
        pound_sign=True,
        width=110,
        tooltip="Funeral cost amount",
    )
    pdf.radio_group(
        "Other compensation",
        "Have you applied for or received any other compensation for this crime?",
        [("yes", "Yes"), ("no", "No")],
        horizontal=True,
        tooltip="Other compensation",
    )
    pdf.text_field(
        "Other compensation amount",
        "If yes: how much is the compensation?",
        pound_sign=True,
        width=110,
        tooltip="Other compensation amount",
    )

    pdf.declaration(
        "The facts I have given are true to the best of my knowledge. I understand that if I "
        "deliberately give false or misleading information, I may get less compensation or "
        "none, and I may be prosecuted.",
        label="Signature of the applicant",
        tooltip="Signature",
    )
    return pdf.build()


def lasting_power_of_attorney() -> bytes:
    pdf = FillablePdf(
        "Lasting power of attorney",
        form_code="LP1",
        organisation="Office of the Public Guardian",
        instructions=(
            INSTRUCTIONS,
            "Make a separate LPA for property and financial affairs and for health and welfare.",
        ),
    )
    pdf.section("The donor")
    pdf.radio_group(
        "LPA type",
        "Which type of LPA is this?",
        [
            ("property-and-financial", "Property and financial affairs"),
            ("health-and-welfare", "Health and welfare"),
        ],
        tooltip="Type of LPA",
    )
    pdf.text_field("Donor title", "Title", max_length=5, width=60)
    pdf.text_field("Donor first names", "First names", max_length=53, width=300)
    pdf.text_field("Donor last name", "Last name", max_length=61, width=300)
    pdf.text_field(
        "Donor other names",
        "Any other names the donor is known by (optional)",
        max_length=50,
        width=300,
    )
    pdf.date_boxes(
        "Donor's date of birth",
        day="Donor DOB day",
        month="Donor DOB month",
        year="Donor DOB year",
        tooltip="Donor's date of birth",
    )
    pdf.text_field("Donor address line 1", "Address line 1", max_length=50, width=300)
    pdf.text_field("Donor address line 2", "Address line 2", max_length=50, width=300)
    pdf.text_field("Donor town", "Town or city", max_length=50, width=250)
    pdf.text_field("Donor county", "County", max_length=50, width=250)
    pdf.text_field("Donor postcode", "Postcode", max_length=8, width=90)
    pdf.checkbox_group(
        "Signing the LPA",
        [("Donor cannot sign", "The donor is unable to sign or make a mark on the LPA")],
    )

    pdf.section("When and how the LPA can be used")
    pdf.radio_group(
        "When LPA can be used",
        "Property and financial affairs only: when can the LPA be used?",
        [
            ("now", "As soon as it's registered (with the donor's consent)"),
            ("no-capacity", "Only if the donor does not have mental capacity"),
        ],
        tooltip="When can the LPA be used?",
    )
    pdf.radio_group(
        "Life-sustaining treatment",
        "Health and welfare only: who should make decisions about life-sustaining treatment?",
        [
            ("option-a", "Option A: the attorneys"),
            ("option-b", "Option B: not the attorneys"),
        ],
        tooltip="Life-sustaining treatment",
    )

    pdf.section("Attorneys")
    pdf.paragraph(
        "There is room for 2 attorneys. If the donor appoints more, give their details on a "
        "continuation sheet."
    )
    for n in (1, 2):
        pdf.paragraph(f"Attorney {n}", bold=True)
        pdf.text_field(f"Attorney {n} full name", "Full name", max_length=100, width=300)
        pdf.date_boxes(
            "Date of birth",
            day=f"Attorney {n} DOB day",
            month=f"Attorney {n} DOB month",
            year=f"Attorney {n} DOB year",
            tooltip=f"Attorney {n} date of birth",
        )
        pdf.text_field(f"Attorney {n} email", "Email address (optional)", width=300)
        pdf.text_field(
            f"Attorney {n} address",
            "Address, including postcode",
            multiline=True,
            height=50,
            tooltip=f"Attorney {n} address",
        )
    pdf.radio_group(
        "How attorneys act",
        "If there is more than 1 attorney: how should they make decisions?",
        [
            ("jointly-and-severally", "Jointly and severally"),
            ("jointly", "Jointly"),
            ("depends", "Jointly for some decisions, and jointly and severally for others"),
        ],
        tooltip="How should the attorneys make decisions?",
    )

    pdf.section("Certificate provider")
    pdf.text_field("Certificate provider name", "Full name", max_length=100, width=300)
    pdf.text_field(
        "Certificate provider address",
        "Address, including postcode",
        multiline=True,
        height=50,
        tooltip="Certificate provider address",
    )

    pdf.section("Registering the LPA")
    pdf.radio_group(
        "Applicant",
        "Who is applying to register the LPA?",
        [("donor", "The donor"), ("attorney", "The attorney or attorneys")],
        horizontal=True,
        tooltip="Who is applying to register the LPA?",
    )
    pdf.checkbox_group(
        "How should we contact the person we write to? Put a cross in all that apply.",
        [
            ("Contact by post", "Post"),
            ("Contact by phone", "Phone"),
            ("Contact by email", "Email"),
        ],
    )
    pdf.choice(
        "Correspondence language",
        "Which language should we write in?",
        [("en", "English"), ("cy", "Cymraeg")],
        list_box=True,
        width=150,
        tooltip="Language for letters",
    )
    pdf.radio_group(
        "Reduced fee",
        "Does the donor want to apply for a reduced fee?",
        [
            ("benefits", "The donor currently claims a means-tested benefit"),
            ("universal-credit", "The donor receives Universal Credit"),
            ("reduced-income", "The donor has an income of less than £12,000 a year before tax"),
            ("not-applying", "No, the donor is not applying for a reduced fee"),
        ],
        tooltip="Reduced fee",
    )

    pdf.declaration(
        "By signing, I confirm that everyone named in this LPA has seen it and agreed to be "
        "named in it, and that the information in it is correct to the best of my knowledge.",
        title="Signature",
        name="Donor signature",
        label="Signature of the donor",
        tooltip="Donor signature",
    )
    return pdf.build()


PAPER_FORMS = {
    "prison-visit-booking.pdf": prison_visit_booking,
    "criminal-injuries-compensation.pdf": criminal_injuries_compensation,
    "lasting-power-of-attorney.pdf": lasting_power_of_attorney,
}


def main() -> None:
    PAPER.mkdir(exist_ok=True)
    for filename, build in PAPER_FORMS.items():
        path = PAPER / filename
        path.write_bytes(build())
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
