## Contests and leaderboards.

contests-title = Contests
contests-intro = Friendly competition on the numbers keel measures: pick a metric and a period, enter people or teams, name a prize. The leaderboard is live; when the period ends, the winners are recorded.
contests-none = No contests yet.
contest-new = New contest
contest-create = Start the contest
contest-name = Name
contest-prize = Prize
contest-people = People
contest-teams = Teams
contest-participants-hint = Enter at least two people or teams. Managers can enter their own line.
contest-state-running = Running
contest-state-upcoming = Upcoming
contest-state-finished = Finished
contest-tv = Big-screen mode
contest-final = Final result, recorded when the contest ended.
contest-no-standing = Nobody has entered yet.
contest-updated = Updated { $time }; refreshes every 30 seconds.
contest-bad-name = Give the contest a name of at most 200 characters.
nav-contests = Contests
error-invalid_contest = Give the contest a name of at most 200 characters.
error-contest_metric = Contests run on a metric summed over a period (not on a snapshot such as the weighted pipeline).
error-contest_period = The contest needs a start and an end date, at most a year apart, the start first.
error-contest_participants = Enter at least two different people or teams.
