## 产品
app-name = keel
app-tagline = 用实时数据带好客户团队

## 框架
nav-home = 首页
nav-signed-in-as = 当前用户：{ $name }
action-logout = 退出登录
lang-switch = 语言
skip-to-content = 跳到正文

## 首次运行
setup-title = 初始化 keel
setup-intro = 数据库还是空的。请创建组织和第一位管理员，其他成员可以稍后添加。
setup-organisation = 组织名称
setup-name = 您的姓名
setup-email = 电子邮箱
setup-password = 密码
setup-password-hint = 至少 10 个字符。
setup-language = 默认语言
setup-submit = 创建组织
setup-done-elsewhere = 该组织已完成初始化，请登录。

## 登录
login-title = 登录
login-email = 电子邮箱
login-password = 密码
login-submit = 登录
login-failed = 邮箱或密码不正确。
login-throttled = 失败次数过多，请 { $minutes } 分钟后再试。
login-signed-out = 您已退出登录。

## 首页
home-title = 首页
home-welcome = 欢迎，{ $name }
home-organisation = 组织
home-role = 您的角色
home-next = keel 已就绪。客户管理、目标和仪表盘开通后会显示在这里。
role-admin = 管理员
role-director = 总监
role-manager = 经理
role-member = 成员

## 错误（与 API 错误码一致）
error-title = 出错了
error-back-home = 返回首页
error-not_found = 页面或记录不存在，或您无权查看。
error-unauthorized = 请先登录。
error-forbidden = 您没有执行此操作的权限。
error-csrf_rejected = 该请求来自其他网站，已被拒绝。
error-payload_too_large = 请求内容过大。
error-bad_request = 无法理解该请求。
error-invalid_input = 部分字段需要修改。
error-conflict = 他人同时修改了此内容，请刷新后重试。
error-database_unavailable = 暂时无法连接数据库，请稍后再试。
error-internal = 发生意外错误，已记录日志。

## 校验
field-required = 此项为必填。
field-too-long = 最多 { $max } 个字符。
field-email-invalid = 请输入有效的电子邮箱。
field-password-short = 密码至少需要 10 个字符。
error-invalid_json = 请求内容不是格式正确的 JSON。
error-method_not_allowed = 此处不支持该操作。
error-email_taken = 该电子邮箱已被他人使用。
error-reporting_cycle = 所选经理已在此人的汇报线下，汇报关系不能形成环。
error-unknown_manager = 所选经理不存在。
error-unknown_team = 所选团队不存在。
error-unknown_department = 所选部门不存在。
error-name_taken = 该名称已被使用。
error-organisation_exists = 该组织已完成初始化。
error-wrong_password = 当前密码不正确。
error-cannot_deactivate_self = 不能停用自己的账号。

## 导航
nav-people = 成员
nav-org = 组织架构
nav-teams = 团队
nav-audit = 审计日志
nav-settings = 设置

## 常用操作
action-save = 保存
action-cancel = 取消
action-create = 创建
action-edit = 编辑
action-search = 搜索
action-filter = 筛选
action-next-page = 下一页
action-older = 更早的记录
action-deactivate = 停用
action-reactivate = 重新启用
action-reset-password = 重置密码
action-change-password = 修改密码
action-create-token = 创建令牌
action-revoke = 吊销
notice-saved = 已保存。
field-date-invalid = 请按 YYYY-MM-DD 格式输入日期。
field-role-invalid = 请选择管理员、总监、经理或成员。

## 成员
people-title = 成员
people-new = 添加成员
people-none = 没有匹配的成员。
people-search-placeholder = 搜索姓名、拼音、邮箱或职位
people-all-teams = 全部团队
people-include-inactive = 包括已停用
person-name = 姓名
person-name-en = 英文名 / 拼音
person-email = 电子邮箱
person-title = 职位
person-team = 团队
person-department = 部门
person-manager = 直属经理
person-role = 角色
person-locale = 语言
person-hire-date = 入职日期
person-hr-flag = 负责人事流程（考核、调研、问题处理）
person-inactive = 已停用
person-reports = 下属
person-no-reports = 没有人向此人汇报。
person-edit-title = 编辑成员
person-initial-password = 初始密码
person-initial-password-hint = 可不填。不设密码则需管理员设置后才能登录。
person-new-password = 新密码
person-deactivate-hint = 立即结束其所有会话，其全部记录保留。
admin-actions = 管理操作

## 组织架构
org-title = 组织架构
org-summary = 共 { $count } 人，按汇报关系排列。

## 团队
teams-title = 团队
teams-new = 新建团队
team-name = 团队名称
team-lead = 负责人
team-members = 人数
departments-title = 部门
department-name = 部门名称

## 审计日志
audit-title = 审计日志
audit-when = 时间
audit-actor = 操作人
audit-action = 操作
audit-entity = 对象
audit-summary = 详情
audit-from = 从
audit-to = 至
audit-none = 没有匹配的记录。
audit-all-entities = 全部对象
audit-all-actors = 所有人
audit-action-create = 创建
audit-action-update = 修改
audit-action-deactivate = 停用
audit-action-reactivate = 重新启用
audit-action-reset_password = 重置密码
audit-action-change_password = 修改本人密码
audit-action-revoke = 吊销
entity-organisation = 组织
entity-person = 成员
entity-team = 团队
entity-department = 部门
entity-api_token = API 令牌

## 设置
settings-title = 设置
settings-password = 密码
settings-current-password = 当前密码
settings-password-changed = 密码已修改，您在其他设备上的会话已结束。
settings-language = 语言
tokens-title = API 令牌
tokens-intro = 令牌让脚本以您的身份、按您的权限使用 keel 的 API。
tokens-created = 请立即复制此令牌，之后不会再显示。
token-name = 令牌名称
token-prefix = 开头
token-created = 创建时间
token-last-used = 最近使用
token-revoked = 已吊销

## API 参考
api-title = API 参考
api-intro = keel 的 JSON API。请在 Authorization 请求头中携带“设置”里创建的个人 API 令牌。
api-responses = 响应
org-reports = 下属 { $count } 人
org-fold = 展开或收起此分支

## 客户管理
nav-today = 今日
nav-accounts = 客户
nav-deals = 商机
record-owner = 负责人
pool-name = 公海
filter-mine = 只看我的
filter-open = 只看进行中
field-amount-invalid = 请输入金额，例如 12,000 或 12000.50。
field-currency-invalid = 请输入三位货币代码，例如 CNY。
field-number-invalid = 请输入整数。
accounts-title = 客户
accounts-new = 新建客户
accounts-none = 没有匹配的客户。
accounts-search-placeholder = 搜索名称、行业、地区或标签
account-edit-title = 编辑客户
account-name = 客户名称
account-industry = 行业
account-size = 员工人数
account-region = 地区
account-status = 状态
account-all-statuses = 全部状态
account-status-prospect = 潜在客户
account-status-customer = 成交客户
account-status-partner = 合作伙伴
account-status-churned = 已流失
account-tags = 标签（逗号分隔）
account-notes = 备注
account-parent = 上级客户
account-last-activity = 最近跟进
deals-title = 商机
deals-new = 新建商机
deals-none = 暂无商机。
deals-list = 商机列表
deals-search-placeholder = 搜索商机或客户
deal-name = 商机名称
deal-account = 客户
deal-stage = 阶段
deal-all-stages = 全部阶段
deal-amount = 金额
deal-amount-hint = 以元为单位，例如 120,000 或 99.50。
deal-currency = 币种
deal-close = 预计成交日期
deal-probability = 赢率
deal-weighted = 加权金额
deal-product-line = 产品线
deal-kind = 类型
deal-source = 来源
deal-loss-reason = 输单原因
deal-move = 推进
deal-history = 阶段记录
board-title = 销售看板
board-count = 商机数
board-amount = 金额
board-weighted = 加权
board-more = 此阶段另有 { $count } 个
timeline-title = 跟进记录
timeline-none = 暂无跟进记录。
activity-kind = 类型
activity-subject = 跟进内容或待办事项
activity-due = 截止
activity-location = 地点（拜访）
activity-log = 记录
activity-done = 已完成
activity-complete = 标记完成
activity-check-out = 签退
activity-kind-call = 电话
activity-kind-meeting = 会议
activity-kind-email = 邮件
activity-kind-visit = 拜访
activity-kind-task = 任务
today-title = 今日
today-none = 今天没有待办。逾期任务和今天的拜访、会议会显示在这里。
error-unknown_stage = 所选阶段不属于该销售管道。
error-unknown_account = 所选客户不存在或您无权查看。
error-unknown_deal = 所选商机不存在或您无权查看。
error-account_parent_cycle = 客户不能是自己的上级客户。
entity-account = 客户
entity-deal = 商机
entity-activity = 跟进记录
audit-action-move = 推进阶段
audit-action-complete = 完成
error-last_admin = 组织至少需要一名在职的管理员。
person-hr = 人事
nav-main = 主导航
audit-action-login = 登录
audit-action-logout = 退出登录
entity-session = 会话
