## 竞赛与排行榜。

contests-title = 竞赛
contests-intro = 围绕 keel 度量的数字开展友好竞赛：选一个指标和期间，加入人员或团队，设定奖品。排行榜实时更新；期间结束时记录获胜者。
contests-none = 还没有竞赛。
contest-new = 新建竞赛
contest-create = 开始竞赛
contest-name = 名称
contest-prize = 奖品
contest-people = 人员
contest-teams = 团队
contest-participants-hint = 至少加入两个人员或团队。经理可以加入自己汇报线上的人。
contest-state-running = 进行中
contest-state-upcoming = 未开始
contest-state-finished = 已结束
contest-tv = 大屏模式
contest-final = 最终结果，于竞赛结束时记录。
contest-no-standing = 还没有参赛者。
contest-updated = 更新于 { $time }；每 30 秒刷新。
contest-bad-name = 请为竞赛起一个不超过 200 字的名称。
nav-contests = 竞赛
error-invalid_contest = 请为竞赛起一个不超过 200 字的名称。
error-contest_metric = 竞赛须使用按期间累计的指标（不能用加权商机金额这类快照指标）。
error-contest_period = 竞赛需要开始和结束日期，开始在前，相隔不超过一年。
error-contest_participants = 请至少加入两个不同的人员或团队。
