"""The words of the scale workspace's forums, decisions, conflicts, pulse answers and asks.

Decisions come from themes (onboarding, pricing, hiring...), each with its own words, so that a
search of the decision log finds a realistic share of them: one theme's word matches about one
decision in twenty, two words far fewer. Slots in braces take a department, a region or a
quarter, so no two decisions read quite the same.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    titles: tuple[str, ...]
    reasons: tuple[str, ...]


THEMES = (
    Theme(
        (
            "Ship the guided onboarding checklist before the {quarter} campaign",
            "Move the onboarding emails from day seven to day two",
            "Give every new account in region {region} an onboarding call in week one",
            "Drop the sample-data step from onboarding",
        ),
        (
            "Half of the trial sign-ups never finished setup; more traffic into the same gap "
            "wastes the budget.",
            "Accounts that finish onboarding in their first week renew at twice the rate.",
            "Support tickets about setup fell by a third where the checklist ran.",
        ),
    ),
    Theme(
        (
            "Raise list prices by 6% for new customers from {quarter}",
            "Keep the starter plan's price and cap its seats at five",
            "Offer annual prepayment with two months free in region {region}",
            "End the legacy discount for renewals in {quarter}",
        ),
        (
            "Win rates held when the pilot region saw the new prices; churn did not move.",
            "Discounting has become the default in negotiations and margins fell four points.",
            "Competitors repriced last quarter and we are now the cheapest by a wide margin.",
        ),
    ),
    Theme(
        (
            "Hire two account executives for region {region} before {quarter}",
            "Freeze new hiring in {department} until the pipeline recovers",
            "Move one support engineer to the enterprise queue",
            "Backfill the data analyst role in {department} with a contractor",
        ),
        (
            "Hot leads wait more than a day because the team is two people short.",
            "Headcount grew faster than revenue for three quarters in a row.",
            "The queue's response time doubled since the two largest accounts went live.",
        ),
    ),
    Theme(
        (
            "Move the analytics module launch to {quarter}",
            "Launch the mobile app in region {region} first",
            "Hold the release until the migration tool is ready",
            "Split the spring launch into two smaller releases",
        ),
        (
            "Launching without the migration tool would put every early adopter through a "
            "manual import.",
            "A smaller launch lets support staff up before the bigger wave.",
            "The campaign and the release were booked on the same week; one has to move.",
        ),
    ),
    Theme(
        (
            "Shift 15% of the paid budget from display to search in {quarter}",
            "Stop the two partner channels that bring no customers",
            "Fund a brand campaign for region {region} from the events budget",
            "Cap the cost per lead at the current quarter's average",
        ),
        (
            "Display brings clicks but almost no qualified leads; search converts four times "
            "better.",
            "Acquisition cost is above its red line and awareness is what brings it down.",
            "The events budget went unspent in two of the last three quarters.",
        ),
    ),
    Theme(
        (
            "Require SSO for every enterprise workspace from {quarter}",
            "Run the annual security review with an external auditor",
            "Rotate the API keys of all integrations every ninety days",
            "Block exports of personal data without a second approval",
        ),
        (
            "Three enterprise deals stalled on the security questionnaire last quarter.",
            "The audit found shared admin accounts in two teams.",
            "A leaked key stayed valid for five months before anyone noticed.",
        ),
    ),
    Theme(
        (
            "Adopt one churn definition for every report",
            "Call every account whose usage falls by half within a week",
            "Offer a pause instead of cancellation to seasonal retailers",
            "Give {department} the renewal forecast every Monday",
        ),
        (
            "Finance and customer success counted churn differently, so the numbers never matched.",
            "Most cancellations follow a month of falling usage that nobody acted on.",
            "Seasonal customers leave in January and half come back in March at full cost to win.",
        ),
    ),
    Theme(
        (
            "Sign the reseller agreement for region {region}",
            "Give our agency a second quarter to fix turnaround",
            "Move the co-marketing webinar series in house",
            "Review every vendor contract above 50,000 EUR before renewal",
        ),
        (
            "The reseller already serves two hundred of the retailers we target there.",
            "Turnaround slipped, but the last two campaigns beat their targets.",
            "The partner's lists overlap ours by more than half.",
        ),
    ),
    Theme(
        (
            "Answer every first support ticket within four hours",
            "Route billing questions to finance directly",
            "Publish the known issues page for every release",
            "Staff the support desk on Saturdays during {quarter}",
        ),
        (
            "First response time is what customers mention most in the survey.",
            "Billing tickets bounce between support and finance for two days on average.",
            "Retailers do most of their admin on weekends in the busy season.",
        ),
    ),
    Theme(
        (
            "Build the data warehouse on the managed service",
            "Retire the old dashboard by the end of {quarter}",
            "Give {department} read access to the product events",
            "Measure activation as three reports viewed in the first week",
        ),
        (
            "Two dashboards show different revenue figures and people stopped trusting both.",
            "Running our own cluster costs an engineer's time every week.",
            "Teams ask the data team for numbers they could read themselves.",
        ),
    ),
    Theme(
        (
            "Translate the product into German and French before {quarter}",
            "Open a sales office for region {region}",
            "Price in local currency in every region",
            "Hire local support for region {region} instead of a follow-the-sun rota",
        ),
        (
            "A third of the trials now come from outside the home market.",
            "Prospects in the region ask for contracts in their own language and currency.",
            "The rota leaves a four-hour gap in the region's business day.",
        ),
    ),
    Theme(
        (
            "Cut the quarterly planning cycle to two weeks",
            "Hold one shared goal review a month for all departments",
            "Give every shared goal one accountable executive",
            "Stop monthly status decks in favour of the check-ins",
        ),
        (
            "Planning took six weeks and the first month of the quarter was gone.",
            "Shared goals with two accountable people had no one who decided.",
            "The check-ins already say what the decks repeat.",
        ),
    ),
    Theme(
        (
            "Keep the custom reports on the roadmap for {quarter}",
            "Ship three report templates for the enterprise pilot",
            "Let {department} prioritise one roadmap item each quarter",
            "Say no to bespoke features for single customers",
        ),
        (
            "The pilot's managers read the same three reports every week.",
            "Bespoke work delayed the roadmap by a month last year.",
            "The roadmap had nothing the customer-facing teams asked for.",
        ),
    ),
    Theme(
        (
            "Move the office to hybrid with two shared days a week",
            "Run the engagement survey every quarter",
            "Fund one training course a year for everyone in {department}",
            "Publish the salary bands for every role",
        ),
        (
            "Exit interviews name growth and pay clarity more than anything else.",
            "Teams that meet in person twice a week report better collaboration.",
            "Once a year is too rarely to act on what the survey says.",
        ),
    ),
    Theme(
        (
            "Hold the infrastructure budget flat in {quarter}",
            "Move the staging environments to spot instances",
            "Approve the cost plan for the launch without the extra campaign",
            "Charge {department} for its share of the cloud bill",
        ),
        (
            "The cloud bill grew 30% while usage grew 10%.",
            "Staging runs at full size around the clock and is used in office hours.",
            "The plan leaves no room for spend beyond this quarter's budget.",
        ),
    ),
    Theme(
        (
            "Review every contract template with legal before {quarter}",
            "Accept the customer's data processing terms for the pilot",
            "Keep customer data in the EU for every European account",
            "Standardise the liability cap at twelve months of fees",
        ),
        (
            "Negotiating each contract from scratch adds three weeks to enterprise deals.",
            "The pilot's terms match the regulation and our own policy.",
            "Two prospects made EU hosting a condition of signing.",
        ),
    ),
)
GENERAL_REASONS = (
    "{department} agreed to report on it at the next forum.",
    "The cost fits this quarter's plan without moving another goal.",
    "The alternative was discussed and put aside: it would take a quarter longer.",
    "It is the smallest change that tests the idea before we commit more.",
    "Both departments keep their goals; only the order changes.",
    "Customers asked for it in a third of the last survey's comments.",
    "We revisit it if the numbers do not move within six weeks.",
    "It follows the decision to focus on retailers who get value in their first month.",
    "",
)


def _fill(text: str, rng: random.Random, department: str, quarter: str) -> str:
    return text.format(department=department, region=rng.randint(1, 12), quarter=quarter)


def decision_text(rng: random.Random, department: str, quarter: str) -> tuple[str, str]:
    """A decision's title and rationale, on a theme chosen at random."""
    theme = rng.choice(THEMES)
    title = _fill(rng.choice(theme.titles), rng, department, quarter)
    reasons = [rng.choice(theme.reasons), rng.choice(GENERAL_REASONS)]
    rationale = " ".join(_fill(r, rng, department, quarter) for r in reasons if r)
    return title, rationale


FORUM_NAMES = (
    "Leadership forum",
    "Growth forum",
    "Launch council",
    "Revenue review",
    "Pricing committee",
    "Customer experience forum",
    "Product and marketing sync",
    "Sales and success handover",
    "Security and compliance board",
    "Data council",
    "People forum",
    "Partner review",
    "Operations weekly",
    "Brand council",
    "Roadmap review",
    "Finance and planning forum",
    "Engineering and design sync",
    "Support escalations review",
    "Regional go-to-market forum",
    "Quarterly business review",
)
FORUM_PURPOSE = (
    "{departments} review the goals they share, settle what they cannot settle alone and "
    "record what they decide."
)
TOPICS = (
    "Campaign calendar for next quarter",
    "Launch readiness",
    "Pipeline coverage below 3x",
    "Onboarding completion rate",
    "Pricing page test results",
    "Hiring plan",
    "Support backlog after the release",
    "Renewal forecast",
    "Budget for events",
    "Partner channel results",
    "Security questionnaire backlog",
    "Roadmap trade-offs",
    "Churn in the retail segment",
    "Data quality of the CRM",
    "Regional expansion",
    "Case studies per segment",
    "Trial-to-paid conversion",
    "Release notes and known issues",
    "Vendor renewals",
    "Engagement survey follow-up",
)
ITEM_NOTES = (
    "Agreed; owners named below.",
    "Discussed; needs the numbers from finance before we decide.",
    "Everyone agreed to keep the current plan.",
    "Two options on the table; decided as recorded.",
    "Parked until the pilot results are in.",
    "",
)
MINUTES = """**Present:** see attendance.

- {first}: discussed, outcome recorded below.
- {second}: {note}
- Next meeting as planned.
"""
ACTIONS = (
    "Share the updated forecast",
    "Draft the proposal for the next forum",
    "Book the campaign slots",
    "Write up the pilot results",
    "Confirm the budget with finance",
    "Send the customer survey",
    "Update the roadmap page",
    "Brief the regional teams",
)

# Per kind of conflict: titles, what is at stake, and what one side wants, why and would trade.
CONFLICTS = {
    "resources": (
        (
            "Budget for the {quarter} launch",
            "Headcount for the enterprise queue",
            "Engineering time for integrations in {quarter}",
            "Who gets the events budget",
        ),
        "{raiser} and {other} both need the same budget this quarter; only one plan fits it.",
        (
            "Keep the budget for our own plan this quarter.",
            "An extra 40,000 EUR for the launch month.",
            "Two more people on the enterprise queue.",
        ),
        (
            "Our goal for the quarter depends on it and nothing else moves it as much.",
            "The numbers are past their red line and this is the one lever left.",
        ),
        ("A smaller push next quarter.", "Half of it now, half after the review.", ""),
    ),
    "priority": (
        (
            "Which shared goal comes first in {quarter}",
            "Custom reports or guided onboarding",
            "Enterprise features or self-serve growth",
            "Security review before the {quarter} release",
        ),
        "{raiser} and {other} rank the quarter's shared goals differently; the roadmap can "
        "carry one of them first.",
        (
            "Our goal first on the roadmap.",
            "Keep the current order of priorities.",
            "Ship our item in the next release.",
        ),
        (
            "It carries the largest share of the revenue target.",
            "Changing the order now throws away a month of work.",
        ),
        ("Second place next quarter.", "A smaller version first.", ""),
    ),
    "timeline": (
        (
            "Launch date of the mobile app",
            "Go-live of the enterprise pilot",
            "Price change date in {quarter}",
            "Cut-over to the new billing system",
        ),
        "{raiser} needs the date earlier than {other} can deliver without risking quality.",
        (
            "The date as promised to the customer.",
            "Two more weeks to finish it properly.",
            "A fixed date we can plan campaigns around.",
        ),
        (
            "The customer's go-live is booked and their rollout depends on it.",
            "Shipping early means a second release a month later to fix it.",
        ),
        ("A reduced scope on the date.", "A weekly update instead of a fixed date.", ""),
    ),
    "scope": (
        (
            "What the pricing change includes",
            "Scope of the data warehouse project",
            "What the partner programme covers",
            "Which markets the {quarter} campaign targets",
        ),
        "{raiser} wants more in the project than {other} can take on this quarter.",
        (
            "Everything in one release.",
            "The smallest version that solves the problem.",
            "Our requirements in the first phase.",
        ),
        (
            "Half a solution means doing the migration twice.",
            "Every addition delays what customers already wait for.",
        ),
        ("Phase two for the rest.", "Our own people on the extra work.", ""),
    ),
    "other": (
        (
            "Who owns the partner relationship",
            "Reporting line of the regional team",
            "Who answers the security questionnaires",
            "Who owns the churn numbers",
        ),
        "{raiser} and {other} both consider the decision theirs to make.",
        ("The decision with us.", "A joint owner from each department.", "A written process."),
        ("We carry the target it affects.", "It has been ours for two years and works."),
        ("A seat in the review.", "A quarterly report to the other side.", ""),
    ),
}
CONFLICT_OUTCOMES = (
    "{side}'s plan goes first, the other follows next quarter",
    "{side} gets half now and half after the review",
    "{side} leads, with a smaller scope",
    "{side} decides, with a quarterly report to the others",
    "both plans go ahead at a smaller size",
)
TRADE_OFFS = (
    "Our plan moves to next quarter.",
    "We start with a smaller scope.",
    "We give up part of the budget.",
    "We accept the later date.",
    "We keep the current order of priorities.",
)
PULSE_COMMENTS = {
    "low": (
        "We hear about changes after they are decided.",
        "Our asks wait weeks for an answer.",
        "The shared goal has no one who decides.",
    ),
    "mid": (
        "Fine day to day; priorities still clash now and then.",
        "Better since the forum started, not there yet.",
    ),
    "high": (
        "Quick answers on asks, and the sync keeps us honest.",
        "Clear priorities this cycle.",
        "Great support on the launch.",
    ),
}
ASKS = (
    "Share the campaign calendar so we can staff for it.",
    "Review the pricing page copy before it goes live.",
    "Send the list of accounts at risk of churn.",
    "Confirm the release date for the next feature.",
    "Give us two days of an engineer to fix the integration.",
    "Approve the budget line for the partner event.",
    "Provide the numbers for the quarterly business review.",
    "Answer the security questionnaire for the prospect.",
    "Join the customer call next week.",
    "Update the forecast with the latest deals.",
)
ASK_DECLINED = (
    "No capacity this cycle; ask again after the release.",
    "Not our call: the forum decides it.",
)
