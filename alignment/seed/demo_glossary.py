"""The demo's glossary: the acronyms marketing, sales and operations use with each other, each
added by the lead who keeps it. The goals, check-ins and minutes of the demo use them, so their
pages show the marks."""

from alignment.seed.demo_goals import Demo
from glossary import services

# Department kind: who keeps its terms (its lead; the COO leads operations).
KEEPERS = {"marketing": "marketing.lead", "sales": "sales.lead", "operations": "coo"}
DEMO_TERMS = (
    (
        "MQL",
        "marketing",
        "Marketing qualified lead: a lead whose fit and interest marketing judged good enough "
        "to pass to sales.",
    ),
    (
        "SQL",
        "sales",
        "Sales qualified lead: an MQL that sales accepted after a first call, and now works as "
        "an opportunity.",
    ),
    (
        "CAC",
        "marketing",
        "Customer acquisition cost: marketing and sales spend in a period divided by the "
        "customers won in it.",
    ),
    (
        "CLV",
        "sales",
        "Customer lifetime value: what a customer pays us over the whole time they stay, "
        "after discounts.",
    ),
    ("LTV", "sales", "Lifetime value: the same as CLV, the name finance uses."),
    (
        "ICP",
        "marketing",
        "Ideal customer profile: the independent retailer with 2 to 20 stores who gets value "
        "in the first month.",
    ),
    (
        "SLA",
        "operations",
        "Service level agreement: the time a team promises to answer or finish a request in.",
    ),
)


def demo_glossary(demo: Demo) -> None:
    for term, kind, meaning in DEMO_TERMS:
        services.term_create(
            membership=demo.memberships[KEEPERS[kind]],
            term=term,
            meaning=meaning,
            department=demo.departments[kind],
        )
