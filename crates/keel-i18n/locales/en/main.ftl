## The product
app-name = keel
app-tagline = Run a customer-facing team on live numbers

## Shell
nav-home = Home
nav-signed-in-as = Signed in as { $name }
action-logout = Log out
lang-switch = Language
skip-to-content = Skip to content

## First run
setup-title = Set up keel
setup-intro = This database is empty. Create your organisation and its first administrator; you can add everyone else afterwards.
setup-organisation = Organisation name
setup-name = Your name
setup-email = E-mail
setup-password = Password
setup-password-hint = At least 10 characters.
setup-language = Default language
setup-submit = Create organisation
setup-done-elsewhere = This organisation has already been set up. Please log in.

## Login
login-title = Log in
login-email = E-mail
login-password = Password
login-submit = Log in
login-failed = E-mail or password is not correct.
login-throttled = Too many failed attempts. Wait { $minutes } minutes and try again.
login-signed-out = You have been logged out.

## Home
home-title = Home
home-welcome = Welcome, { $name }
home-organisation = Organisation
home-role = Your role
home-next = keel is ready. The CRM, goals and dashboards appear here as they are switched on for your organisation.
role-admin = Administrator
role-director = Director
role-manager = Manager
role-member = Member

## Errors (codes are the API's error codes)
error-title = Something went wrong
error-back-home = Back to home
error-not_found = The page or record does not exist, or you cannot see it.
error-unauthorized = Please log in first.
error-forbidden = You do not have permission to do that.
error-csrf_rejected = The request came from another site and was refused.
error-payload_too_large = The request is too large.
error-bad_request = The request could not be understood.
error-invalid_input = Some fields need attention.
error-conflict = Someone else changed this at the same time. Reload and try again.
error-database_unavailable = The database cannot be reached right now. Please try again shortly.
error-internal = An unexpected error occurred. It has been logged.

## Validation
field-required = This field is required.
field-too-long = At most { $max } characters.
field-email-invalid = Enter a valid e-mail address.
field-password-short = The password must have at least 10 characters.
error-invalid_json = The request body is not valid JSON of the expected shape.
error-method_not_allowed = That action is not available here.
error-email_taken = Someone already uses this e-mail address.
error-reporting_cycle = This manager reports to the person already; reporting lines cannot form a loop.
error-unknown_manager = The chosen manager does not exist.
error-unknown_team = The chosen team does not exist.
error-unknown_department = The chosen department does not exist.
error-name_taken = This name is already in use.
error-organisation_exists = This organisation has already been set up.
error-wrong_password = The current password is not correct.
error-cannot_deactivate_self = You cannot deactivate yourself.

## Navigation
nav-people = People
nav-org = Org chart
nav-teams = Teams
nav-audit = Audit log
nav-settings = Settings

## Common actions
action-save = Save
action-cancel = Cancel
action-create = Create
action-edit = Edit
action-search = Search
action-filter = Filter
action-next-page = Next page
action-older = Older entries
action-deactivate = Deactivate
action-reactivate = Reactivate
action-reset-password = Reset password
action-change-password = Change password
action-create-token = Create token
action-revoke = Revoke
notice-saved = Saved.
field-date-invalid = Enter a date as YYYY-MM-DD.
field-role-invalid = Choose admin, director, manager or member.

## People
people-title = People
people-new = New person
people-none = Nobody matches.
people-search-placeholder = Search name, pinyin, e-mail or title
people-all-teams = All teams
people-include-inactive = Include deactivated
person-name = Name
person-name-en = English name / pinyin
person-email = E-mail
person-title = Title
person-team = Team
person-department = Department
person-manager = Manager
person-role = Role
person-locale = Language
person-hire-date = Hire date
person-hr-flag = Runs HR processes (reviews, surveys, cases)
person-inactive = Deactivated
person-reports = Reports
person-no-reports = Nobody reports to this person.
person-edit-title = Edit person
person-initial-password = Initial password
person-initial-password-hint = Optional. Without one, the person cannot log in until an admin sets a password.
person-new-password = New password
person-deactivate-hint = Ends their sessions at once; all their records stay.
admin-actions = Administration

## Org chart
org-title = Org chart
org-summary = { $count } people, by reporting line.

## Teams
teams-title = Teams
teams-new = New team
team-name = Team name
team-lead = Lead
team-members = Members
departments-title = Departments
department-name = Department name

## Audit log
audit-title = Audit log
audit-when = When
audit-actor = Who
audit-action = Action
audit-entity = Record
audit-summary = Details
audit-from = From
audit-to = To
audit-none = No entries match.
audit-all-entities = All records
audit-all-actors = Everyone
audit-action-create = Created
audit-action-update = Changed
audit-action-deactivate = Deactivated
audit-action-reactivate = Reactivated
audit-action-reset_password = Reset password
audit-action-change_password = Changed own password
audit-action-revoke = Revoked
entity-organisation = Organisation
entity-person = Person
entity-team = Team
entity-department = Department
entity-api_token = API token

## Settings
settings-title = Settings
settings-password = Password
settings-current-password = Current password
settings-password-changed = Your password has been changed. Your other sessions have ended.
settings-language = Language
tokens-title = API tokens
tokens-intro = A token lets a script use keel's API as you, with your permissions.
tokens-created = Copy this token now; it will not be shown again.
token-name = Token name
token-prefix = Starts with
token-created = Created
token-last-used = Last used
token-revoked = Revoked

## API reference
api-title = API reference
api-intro = keel's JSON API. Send a personal API token from Settings in the Authorization header.
api-responses = Responses
org-reports = { $count } below
org-fold = Show or hide this branch

## CRM
nav-today = My day
nav-accounts = Accounts
nav-deals = Deals
record-owner = Owner
pool-name = Shared pool
filter-mine = Mine only
filter-open = Open only
field-amount-invalid = Enter an amount such as 12,000 or 12000.50.
field-currency-invalid = Enter a three-letter currency code such as CNY.
field-number-invalid = Enter a whole number.
accounts-title = Accounts
accounts-new = New account
accounts-none = No accounts match.
accounts-search-placeholder = Search name, industry, region or tag
account-edit-title = Edit account
account-name = Account name
account-industry = Industry
account-size = Employees
account-region = Region
account-status = Status
account-all-statuses = All statuses
account-status-prospect = Prospect
account-status-customer = Customer
account-status-partner = Partner
account-status-churned = Churned
account-tags = Tags (comma-separated)
account-notes = Notes
account-parent = Parent account
account-last-activity = Last follow-up
deals-title = Deals
deals-new = New deal
deals-none = No deals.
deals-list = Deal list
deals-search-placeholder = Search deal or account
deal-name = Deal name
deal-account = Account
deal-stage = Stage
deal-all-stages = All stages
deal-amount = Amount
deal-amount-hint = In whole currency units, e.g. 120,000 or 99.50.
deal-currency = Currency
deal-close = Expected close
deal-probability = Probability
deal-weighted = Weighted amount
deal-product-line = Product line
deal-kind = Type
deal-source = Source
deal-loss-reason = Reason for loss
deal-move = Move
deal-history = Stage history
board-title = Pipeline board
board-count = Deals
board-amount = Amount
board-weighted = Weighted
board-more = { $count } more in this stage
timeline-title = Activities
timeline-none = No activities yet.
activity-kind = Kind
activity-subject = What happened or is to do
activity-due = Due
activity-location = Location (visits)
activity-log = Log
activity-done = Done
activity-complete = Mark done
activity-check-out = Check out
activity-kind-call = Call
activity-kind-meeting = Meeting
activity-kind-email = E-mail
activity-kind-visit = Visit
activity-kind-task = Task
today-title = My day
today-none = Nothing due today. Overdue tasks and today's visits and meetings appear here.
error-unknown_stage = The chosen stage does not belong to this pipeline.
error-unknown_account = The chosen account does not exist or is not yours to see.
error-unknown_deal = The chosen deal does not exist or is not yours to see.
error-account_parent_cycle = An account cannot be its own parent.
entity-account = Account
entity-deal = Deal
entity-activity = Activity
audit-action-move = Moved stage
audit-action-complete = Completed
error-last_admin = The organisation needs at least one active administrator.
person-hr = HR
nav-main = Main navigation
audit-action-login = Signed in
audit-action-logout = Signed out
entity-session = Session
