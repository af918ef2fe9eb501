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
