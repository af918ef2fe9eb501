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
