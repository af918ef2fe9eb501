# 客户管理列表：排序、活动列表与满意度列表、多条销售管道。

sort-by = 排序
sort-name = 名称
sort-created = 最新创建
sort-last_activity = 最近跟进
sort-amount = 金额从高到低
sort-close = 预计成交最近
error-invalid_sort = 列表不支持这种排序。
error-invalid_cursor = 分页链接已过期或已损坏，请从第一页重新开始。
error-invalid_filter = 筛选值不在可选范围内。

nav-activities = 活动
activities-title = 活动
activities-search-placeholder = 搜索主题
activities-state = 任务状态
activities-all-kinds = 全部类型
activities-all-owners = 所有人
activities-all-states = 任意状态
activities-none = 没有符合条件的活动。
activities-when = 时间
activities-subject = 主题
activities-about = 关联
filter-from = 从
filter-to = 到
task-open = 未完成
task-done = 已完成
task-overdue = 已逾期

nav-satisfaction = 满意度
satisfaction-title = 客户满意度
satisfaction-all-kinds = CSAT 与 NPS
satisfaction-all-accounts = 全部客户
satisfaction-min = 分数从
satisfaction-max = 到
satisfaction-csat-summary = CSAT 平均 { $average }（{ $count } 份回答）
satisfaction-nps-summary = NPS { $nps }（{ $count } 份回答）
satisfaction-no-summary = 暂无符合条件的回答。
satisfaction-score-invalid = 分数须为 0 到 10 的整数。

pipeline-name = 销售管道
pipeline-all = 全部管道
pipeline-edit = 编辑其阶段
pipeline-add = 新增管道
pipeline-stage-hint = 阶段必须属于该管道。
error-invalid_pipeline = 管道名称不能为空，且最多 100 个字符。
