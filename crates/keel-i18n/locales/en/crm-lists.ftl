# The CRM lists: sorting, the activities and satisfaction lists, several pipelines.

sort-by = Sort by
sort-name = Name
sort-created = Newest first
sort-last_activity = Latest follow-up
sort-amount = Largest amount
sort-close = Closing soonest
error-invalid_sort = That is not one of the list's sort orders.
error-invalid_cursor = The page link is out of date or damaged. Start again from the first page.
error-invalid_filter = That filter value is not one of the accepted values.

nav-activities = Activities
activities-title = Activities
activities-search-placeholder = Search the subject
activities-state = Task state
activities-all-kinds = All kinds
activities-all-owners = Everyone
activities-all-states = Any state
activities-none = No activities match.
activities-when = When
activities-subject = Subject
activities-about = About
filter-from = From
filter-to = To
task-open = Open
task-done = Done
task-overdue = Overdue

nav-satisfaction = Satisfaction
satisfaction-title = Customer satisfaction
satisfaction-all-kinds = CSAT and NPS
satisfaction-all-accounts = All accounts
satisfaction-min = Score from
satisfaction-max = to
satisfaction-csat-summary = CSAT average { $average } ({ $count } answers)
satisfaction-nps-summary = NPS { $nps } ({ $count } answers)
satisfaction-no-summary = No answers match yet.
satisfaction-score-invalid = Scores are whole numbers from 0 to 10.

pipeline-name = Pipeline
pipeline-all = All pipelines
pipeline-edit = Edit its stages
pipeline-add = Add pipeline
pipeline-stage-hint = The stage must be one of this pipeline's.
error-invalid_pipeline = A pipeline needs a name of at most 100 characters.
