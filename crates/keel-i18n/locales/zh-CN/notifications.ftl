# 通知：铃铛、通知列表、设置、邮件和管理员的发件箱。

notifications-title = 通知
notifications-unread = { $count } 条未读
notifications-none = 暂无通知。有人评论您的周报、把客户、商机或线索分配给您、或为您设定目标时，会显示在这里。
notifications-no-older = 没有更早的通知。
notifications-new = 新
notifications-newest = 最新
notifications-mark-read = 标为已读
notifications-mark-all-read = 全部标为已读
notification-unknown = 一条通知

notification-checkin-comment = { $actor } 评论了您的周报：“{ $excerpt }”
notification-checkin-comment-name = 我的周报收到评论
notification-checkin-reply = { $actor } 在 { $author } 的周报中回复了您：“{ $excerpt }”
notification-checkin-reply-name = 我在周报中的评论收到回复
notification-record-assigned = { $actor } 把{ $record }“{ $name }”分配给了您
notification-record-assigned-name = 客户、商机和线索分配给我
notification-target-set = { $actor } 为您设定了 { $period } 的{ $metric }目标：{ $value }
notification-target-set-name = 为我设定销售目标
notification-record-account = 客户
notification-record-deal = 商机
notification-record-lead = 线索

notifications-settings-title = 通知
notifications-settings-kind = 何时
notifications-settings-delivery = 通知方式
notifications-delivery-in-app = 站内通知
notifications-delivery-email = 站内通知和邮件
notifications-delivery-off = 不通知
notifications-email-off = 邮件不可用：keel 尚未配置 SMTP 服务器（由管理员设置 --smtp-url）。通知会显示在 keel 中。
notifications-email-no-address = 邮件不可用：您的资料中没有邮箱地址。
notifications-digest = 每日摘要邮件
notifications-digest-none = 不发送摘要
notifications-digest-at = 每天 { $hour }
notifications-digest-hint = 过去 24 小时的未读通知汇总成一封邮件，按您的时区（{ $zone }）在该时刻发送。
notifications-choice-invalid = 请从给出的选项中选择。
notifications-saved = 通知设置已保存。

email-subject-one = keel：{ $text }
email-subject-digest = keel：{ $count } 条未读通知
email-greeting = { $name }，您好：
email-greeting-digest = { $name }，您好！以下是过去 24 小时 keel 中的动态：
email-open = 在 keel 中打开
email-footer = 您收到这封邮件是因为您在 keel 中的通知设置：

nav-email = 邮件
email-admin-title = 发件箱
email-admin-server = 通过 { $server } 以 { $from } 的名义发送。
email-admin-no-server = 尚未配置 SMTP 服务器：邮件会在发件箱中等待，直到配置完成（启动 keel 时加上 --smtp-url 和 --smtp-from）。
email-admin-all = 全部
email-admin-pending = 等待发送
email-admin-sent = 已发送
email-admin-failed = 发送失败
email-admin-cancelled = 已取消
email-admin-none = 这里没有邮件。
email-admin-created = 加入时间
email-admin-to = 收件人
email-admin-subject = 主题
email-admin-status = 状态
email-admin-attempts = 尝试次数
email-admin-error = 最近的错误
email-admin-next-try = 下次尝试 { $when }
email-admin-retry = 重试
email-admin-retried = 邮件已重新排队。
email-admin-digest = { $when } 的摘要
