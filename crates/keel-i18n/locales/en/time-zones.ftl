# Time zones: the organisation's calendar and each person's own display zone.
nav-time-zone = Time zone
zone-org-title = The organisation's time zone
zone-org-intro = The organisation's time zone defines its days, weeks (from Monday), months and quarters and what "today" is, for every number, target, goal, check-in and contest. Changing it recomputes the daily and monthly figures so that every deal and activity moves to its local day.
zone-org-current = Now:
zone-label = Time zone
zone-org-hint = Everyone sees times in this zone unless they choose their own on their settings page.
zone-org-saved = The organisation's time zone is now { $zone }; the figures were recomputed.
setup-time-zone = Time zone
setup-time-zone-hint = Your organisation's days, months and quarters follow this zone. Admins can change it later.
settings-time-zone = Time zone
settings-time-zone-hint = Times on pages are shown in this zone. Days, months and quarters stay the organisation's.
settings-time-zone-org = The organisation's ({ $zone })
field-zone-unknown = "{ $zone }" is not a known time zone (an IANA name such as Asia/Shanghai).
