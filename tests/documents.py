"""GraphQL documents used by more than one API test, each operation written once.

A document selects the union of what its users read, so every test of an operation sends the same
text; where a test needs a different selection of the same operation, that variant sits next to
the shared one under a name saying how it differs (VOLUNTEER_REGISTER_PROFILE). A document only
one test sends stays in that test.
"""

from __future__ import annotations

from typing import Any

# -- the practice network ---------------------------------------------------------------------

UNIT_CREATE = """
mutation UnitCreate($input: UnitCreateInput!) {
  unitCreate(input: $input) { unit { id code name level depth parent { name } } userErrors { field message code } }
}
"""

UNIT_UPDATE = """
mutation UnitUpdate($input: UnitUpdateInput!) {
  unitUpdate(input: $input) {
    unit { name contactPhone location { lat lon } fiveHaves { site feature featureNote } }
    userErrors { field message code }
  }
}
"""

UNIT_MOVE = """
mutation UnitMove($input: UnitMoveInput!) {
  unitMove(input: $input) { unit { id name depth ancestors { name } } userErrors { field message code } }
}
"""

UNIT_COUNT = "query UnitCount { units { totalCount } }"

UNIT_NODE = "query UnitNode($id: ID!) { node(id: $id) { ... on Unit { name level children { name } } } }"

NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"

# -- skills, teams and volunteers -------------------------------------------------------------

SKILL_CREATE = """
mutation SkillCreate($input: SkillCreateInput!) {
  skillCreate(input: $input) { skill { id code name domain } userErrors { field message code } }
}
"""

SKILLS = "query Skills { skills { id code } }"

TEAM_CREATE = """
mutation TeamCreate($input: TeamCreateInput!) {
  teamCreate(input: $input) {
    team { id name kind domain parent { name } unit { name } }
    userErrors { field message code }
  }
}
"""

TEAM_UPDATE = """
mutation TeamUpdate($input: TeamUpdateInput!) {
  teamUpdate(input: $input) { team { name description domain } userErrors { field message code } }
}
"""

TEAM_MEMBER_ADD = """
mutation TeamMemberAdd($input: TeamMemberAddInput!) {
  teamMemberAdd(input: $input) {
    membership { role team { name } volunteer { name } }
    userErrors { field message code }
  }
}
"""

VOLUNTEER_REGISTER = """
mutation VolunteerRegister($input: VolunteerRegisterInput!) {
  volunteerRegister(input: $input) { volunteer { id } userErrors { field message code } }
}
"""

#: volunteerRegister reading back everything it stored (masked as every caller sees it)
VOLUNTEER_REGISTER_PROFILE = """
mutation VolunteerRegister($input: VolunteerRegisterInput!) {
  volunteerRegister(input: $input) {
    volunteer {
      volunteerNumber name phone idNumber
      skills { skill { code } level certifiedUntil }
      domains
      availability { weekly { weekday startMinute endMinute } }
      unit { name }
    }
    userErrors { field message code }
  }
}
"""

VOLUNTEER_UPDATE = """
mutation VolunteerUpdate($input: VolunteerUpdateInput!) {
  volunteerUpdate(input: $input) { volunteer { name phone status domains } userErrors { field message code } }
}
"""

VOLUNTEER_STATS = """
query VolunteerStats($volunteer: ID!) {
  volunteerStats(volunteer: $volunteer) { creditHours honourHours tasksCompleted averageRating noShows }
}
"""

# -- the service menu and orders --------------------------------------------------------------

SERVICE_ITEM_CREATE = """
mutation ServiceItemCreate($input: ServiceItemCreateInput!) {
  serviceItemCreate(input: $input) {
    serviceItem {
      id name durationMinutes
      requiredSkills { skill { code } headcount minLevel }
      providerTeams { name }
    }
    userErrors { field message code }
  }
}
"""

MENU_OFFER = """
mutation MenuOffer($input: MenuOfferInput!) {
  menuOffer(input: $input) { item { id } userErrors { field message code } }
}
"""

ORDER_SUBMIT = """
mutation OrderSubmit($input: OrderSubmitInput!) {
  orderSubmit(input: $input) {
    order { id status headcount residentPhone windowStart windowEnd item { name } unit { name } }
    userErrors { field message code }
  }
}
"""

ORDER_REVIEW = """
mutation OrderReview($input: OrderReviewInput!) {
  orderReview(input: $input) { order { id status } userErrors { field message code } }
}
"""

ORDER_REJECT = """
mutation OrderReject($input: OrderReasonInput!) {
  orderReject(input: $input) { order { status } userErrors { field message code } }
}
"""

ORDER_CANCEL = """
mutation OrderCancel($input: OrderReasonInput!) {
  orderCancel(input: $input) { order { status } userErrors { field message code } }
}
"""

ORDER_RATE = """
mutation OrderRate($input: OrderRateInput!) {
  orderRate(input: $input) { rating { score comment } userErrors { field message code } }
}
"""

ORDER_HISTORY = "query OrderHistory($order: ID!) { orderHistory(order: $order) { fromStatus toStatus actor note } }"

ORDER_TASKS = "query OrderTasks($order: ID!) { orderTasks(order: $order) { id status volunteer { id } } }"

# -- dispatch runs and the volunteers' tasks --------------------------------------------------

DISPATCH_RUN = """
query DispatchRun($id: ID!) {
  dispatchRun(id: $id) {
    id state reason kind resultStatus committedAt
    progress { phase partsDone partsTotal bestObjective { staffing travelM } }
    proposals { edges { node { id order { id } volunteer { id } skill start end distanceKm
                               explanation { skillsMatched { skill level } runnerUp { reason } } } } }
    openOrders { edges { node { order { id } reason missing { skill count } } } }
    moved { kept { volunteer } added { volunteer } removed { volunteer } }
  }
}
"""



def run_lists(run: dict[str, Any]) -> dict[str, Any]:
    """A run of DISPATCH_RUN with its proposals and open orders as plain lists (their first page)."""
    return {**run, **{key: [edge["node"] for edge in run[key]["edges"]]
                      for key in ("proposals", "openOrders") if key in run}}


DISPATCH_RUN_START = """
mutation DispatchRunStart($input: DispatchRunStartInput!) {
  dispatchRunStart(input: $input) { run { id state } userErrors { field message code } }
}
"""

DISPATCH_RUN_COMMIT = """
mutation DispatchRunCommit($input: DispatchRunInput!) {
  dispatchRunCommit(input: $input) { run { id committedAt } userErrors { field message code } }
}
"""

DISPATCH_RUN_PROGRESS = """
subscription DispatchRunProgress($run: ID!) {
  dispatchRunProgress(run: $run) { state progress { phase partsDone partsTotal bestObjective { staffing } } }
}
"""

MY_TASKS = """
query MyTasks($volunteer: ID!) {
  myTasks(volunteer: $volunteer) {
    id status skill start end order { id status }
    serviceRecord { creditMinutes honourMinutes corrections { minutes staff reason } }
  }
}
"""

ASSIGNMENT_ACCEPT = """
mutation AssignmentAccept($input: AssignmentActInput!) {
  assignmentAccept(input: $input) { assignment { status order { status } } userErrors { field message code } }
}
"""

ASSIGNMENT_DECLINE = """
mutation AssignmentDecline($input: AssignmentDeclineInput!) {
  assignmentDecline(input: $input) {
    assignment { status declineReason } repairRun { id kind } userErrors { field message code }
  }
}
"""

ASSIGNMENT_CHECK_IN = """
mutation AssignmentCheckIn($input: AssignmentActInput!) {
  assignmentCheckIn(input: $input) { assignment { status order { status } } userErrors { field message code } }
}
"""

ASSIGNMENT_CHECK_OUT = """
mutation AssignmentCheckOut($input: AssignmentActInput!) {
  assignmentCheckOut(input: $input) {
    assignment { status serviceRecord { creditMinutes } order { status } } userErrors { field message code }
  }
}
"""

# -- notifications ----------------------------------------------------------------------------

OUTBOX = """
query Outbox($after: String, $volunteer: ID, $order: ID, $first: Int) {
  outbox(after: $after, volunteer: $volunteer, order: $order, first: $first) {
    events { cursor kind volunteer order payload } endCursor
  }
}
"""

NOTIFICATIONS = """
subscription Notifications($volunteer: ID, $order: ID, $after: String) {
  notifications(volunteer: $volunteer, order: $order, after: $after) { cursor kind volunteer order payload }
}
"""

# -- accounts ---------------------------------------------------------------------------------

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken accessTokenExpiresAt refreshToken userErrors { field message code } }
}
"""

ME = "query Me { me { username grants { role unit team volunteer } } }"

# -- account administration (M11) ---------------------------------------------------------------

ACCOUNT_FIELDS = "id username active grants { id role unit team volunteer }"
ACCOUNTS = ("query Accounts($username: String) { accounts(username: $username) { totalCount edges { node { "
            + ACCOUNT_FIELDS + " apiKeys { id name prefix createdAt revokedAt } "
            "events { edges { node { actor target action detail at } } } } } } }")
ACCOUNT_DISABLE = ("mutation D($input: AccountDisableInput!) { accountDisable(input: $input) { account { "
                   + ACCOUNT_FIELDS + " } userErrors { field message code } } }")
ACCOUNT_ENABLE = ("mutation E($input: AccountInput!) { accountEnable(input: $input) { account { "
                  + ACCOUNT_FIELDS + " } userErrors { field message code } } }")
ACCOUNT_SESSIONS_REVOKE = ("mutation S($input: AccountInput!) { accountSessionsRevoke(input: $input) { revoked "
                           "account { id } userErrors { field message code } } }")
API_KEY_REVOKE = ("mutation K($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { "
                  "apiKey { id prefix revokedAt } userErrors { field message code } } }")
ROLE_GRANT = ("mutation G($input: RoleGrantNewInput!) { roleGrant(input: $input) { grant { id role unit team "
              "volunteer } userErrors { field message code } } }")
ROLE_REVOKE = ("mutation R($input: RoleRevokeInput!) { roleRevoke(input: $input) { account { "
               + ACCOUNT_FIELDS + " } userErrors { field message code } } }")
REFRESH = """
mutation Refresh($input: RefreshInput!) {
  refresh(input: $input) { accessToken refreshToken userErrors { field message code } }
}
"""
API_KEY_CREATE = """
mutation Key($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) { apiKey prefix userErrors { field message code } }
}
"""
