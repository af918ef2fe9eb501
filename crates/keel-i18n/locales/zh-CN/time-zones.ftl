# 时区：组织的日历，以及每个人查看时间所用的时区。
nav-time-zone = 时区
zone-org-title = 组织时区
zone-org-intro = 组织时区决定“天”、周（从周一开始）、月和季度以及“今天”是哪一天，所有指标、目标、周报和竞赛都按它计算。更改时区会重新计算每日和每月数据，每笔商机和每条活动都会归到新的当地日期。
zone-org-current = 当前：
zone-label = 时区
zone-org-hint = 除非个人在设置页选择了自己的时区，所有人看到的时间都按此时区显示。
zone-org-saved = 组织时区已改为 { $zone }，数据已重新计算。
setup-time-zone = 时区
setup-time-zone-hint = 组织的天、月和季度按此时区划分，管理员之后可以更改。
settings-time-zone = 时区
settings-time-zone-hint = 页面上的时间按此时区显示；天、月和季度仍按组织时区计算。
settings-time-zone-org = 组织时区（{ $zone }）
field-zone-unknown = “{ $zone }”不是已知的时区（应为 IANA 名称，例如 Asia/Shanghai）。
