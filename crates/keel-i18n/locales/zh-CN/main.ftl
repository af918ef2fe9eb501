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
