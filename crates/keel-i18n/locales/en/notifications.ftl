# Notifications: the bell, the list, settings, e-mail and the admin's outbox.

notifications-title = Notifications
notifications-unread = { $count } unread
notifications-none = Nothing yet. When someone comments on your check-in, gives you an account, deal or lead, or sets your target, you will see it here.
notifications-no-older = No older notifications.
notifications-new = New
notifications-newest = Newest
notifications-mark-read = Mark read
notifications-mark-all-read = Mark all read
notification-unknown = A notification

notification-checkin-comment = { $actor } commented on your check-in: “{ $excerpt }”
notification-checkin-comment-name = Comments on my check-ins
notification-checkin-reply = { $actor } replied to you on { $author }'s check-in: “{ $excerpt }”
notification-checkin-reply-name = Replies to my check-in comments
notification-record-assigned = { $actor } gave you the { $record } “{ $name }”
notification-record-assigned-name = Accounts, deals and leads given to me
notification-target-set = { $actor } set your { $period } target for { $metric }: { $value }
notification-target-set-name = Sales targets set for me
notification-record-account = account
notification-record-deal = deal
notification-record-lead = lead

notifications-settings-title = Notifications
notifications-settings-kind = When
notifications-settings-delivery = Tell me
notifications-delivery-in-app = In keel
notifications-delivery-email = In keel and by e-mail
notifications-delivery-off = Not at all
notifications-email-off = E-mail is unavailable: no SMTP server is configured for keel (an administrator sets --smtp-url). Notifications appear in keel.
notifications-email-no-address = E-mail is unavailable: your profile has no e-mail address.
notifications-digest = Daily digest e-mail
notifications-digest-none = No digest
notifications-digest-at = Every day at { $hour }
notifications-digest-hint = Unread notifications of the last 24 hours, in one e-mail, at that hour in your time zone ({ $zone }).
notifications-choice-invalid = Choose one of the offered options.
notifications-saved = Notification settings saved.

email-subject-one = keel: { $text }
email-subject-digest = keel: { $count } unread notifications
email-greeting = Hello { $name },
email-greeting-digest = Hello { $name }, here is what happened in keel in the last 24 hours:
email-open = Open in keel
email-footer = You receive this because of your notification settings in keel:

nav-email = E-mail
email-admin-title = Outgoing e-mail
email-admin-server = Sending through { $server } as { $from }.
email-admin-no-server = No SMTP server is configured: e-mail waits in the outbox until one is (start keel with --smtp-url and --smtp-from).
email-admin-all = All
email-admin-pending = Waiting
email-admin-sent = Sent
email-admin-failed = Failed
email-admin-cancelled = Cancelled
email-admin-none = No e-mail here.
email-admin-created = Queued
email-admin-to = To
email-admin-subject = Subject
email-admin-status = State
email-admin-attempts = Tries
email-admin-error = Last error
email-admin-next-try = next try { $when }
email-admin-retry = Retry
email-admin-retried = The e-mail is queued again.
email-admin-digest = Digest of { $when }
