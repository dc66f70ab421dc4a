<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BusScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/bus_screen.py" line="+412"/>
        <source>Bus</source>
        <translation>班车</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Bus:</source>
        <translation>班车：</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+204"/>
        <source>Tick by hand</source>
        <translation>手动登记</translation>
    </message>
    <message>
        <location line="-203"/>
        <location line="+223"/>
        <source>Undo tick</source>
        <translation>撤销登记</translation>
    </message>
    <message>
        <location line="-222"/>
        <source>Move to another bus</source>
        <translation>换到其他车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add walk-in</source>
        <translation>添加临时乘客</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Name, seat or last 4 digits</source>
        <translation>姓名、座位或后4位</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>seat %1</source>
        <translation>%1 号座</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>%1 is now %2 on that bus</source>
        <translation>%1 已换过去，那辆车现在 %2</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Tick %1 (seat %2) without a scan. Why?</source>
        <translation>不扫码登记 %1（座位 %2）上车，原因是什么？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No smartphone: ID card checked</source>
        <translation>没有智能手机：已核验身份证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone battery dead: ID card checked</source>
        <translation>手机没电：已核验身份证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code will not scan: ID card checked</source>
        <translation>码扫不出：已核验身份证</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 will count as not on board again. Why?</source>
        <translation>%1 将重新算作未上车，原因是什么？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ticked the wrong passenger</source>
        <translation>登记错了乘客</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Passenger got off the bus</source>
        <translation>乘客已下车</translation>
    </message>
    <message>
        <location line="+47"/>
        <location line="+161"/>
        <source>Depart</source>
        <translation>发车</translation>
    </message>
    <message>
        <location line="-160"/>
        <source>All %1 passengers are on board. Record the departure now?</source>
        <translation>%1 名乘客已全部上车。现在登记发车吗？</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Depart with passengers missing</source>
        <translation>有乘客未到，发车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of %2 passengers are not on board. Why leave without them?</source>
        <translation>%2 名乘客中有 %1 名未上车。为什么不等他们？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Waited until the departure time; could not reach them</source>
        <translation>已等到发车时间，联系不上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>They cancelled by phone</source>
        <translation>乘客已电话取消</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Import one (checkpoint-app roster import FILE) or sync with the centre.</source>
        <translation>请导入名单（checkpoint-app roster import 文件）或与中心同步。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>departed %1</source>
        <translation>%1 已发车</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Not on board (%1)</source>
        <translation>未上车（%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On board (%1)</source>
        <translation>已上车（%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everyone (%1)</source>
        <translation>全部（%1）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No passengers match.</source>
        <translation>没有符合的乘客。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Showing %1 of %2: scroll for more, or search.</source>
        <translation>显示 %2 人中的 %1 人：向下滚动看更多，或搜索。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 shown</source>
        <translation>共 %1 人</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Hide phone</source>
        <translation>隐藏电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show phone</source>
        <translation>显示电话</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Departed</source>
        <translation>已发车</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All present —
depart</source>
        <translation>全部到齐
发车</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Depart with
%1 missing…</source>
        <translation>还差 %1 人
发车…</translation>
    </message>
</context>
<context>
    <name>GateScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/gate_screen.py" line="+389"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Temperature °C</source>
        <translation>体温 °C</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. 366 or 36.6</source>
        <translation>如 366 或 36.6</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+70"/>
        <source>Admit on visual check</source>
        <translation>人工核验放行</translation>
    </message>
    <message>
        <location line="-69"/>
        <source>No phone: type code or ID</source>
        <translation>无手机：输入码或证件号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No camera picture yet</source>
        <translation>暂无摄像头画面</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Scan the code first, then type the temperature.</source>
        <translation>请先扫码，再输入体温。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>What did you check? (e.g. photo ID, green code on the phone)</source>
        <translation>核验了什么？（如：带照片的证件、手机上的绿码）</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No phone</source>
        <translation>无手机</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type the code text (or scan a paper code):</source>
        <translation>输入码的内容（或扫描纸质码）：</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>%1 °C is too low: measure again.</source>
        <translation>%1 °C 过低：请重新测量。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 °C is too high: measure again.</source>
        <translation>%1 °C 过高：请重新测量。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a temperature: type e.g. 36.6 or 366.</source>
        <translation>不是体温：请输入如 36.6 或 366。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../checkpoint_app/ui/main_window.py" line="+37"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No camera: use a USB scanner, type the code, or start with --source VIDEO</source>
        <translation>没有摄像头：请用 USB 扫码枪或手动输入，或用 --source 视频文件 启动</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location line="+151"/>
        <source>Checkpoint station</source>
        <translation>检查站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DEMO MODE — training data, not a real checkpoint</source>
        <translation>演示模式 — 培训数据，不是真实检查站</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in</source>
        <translation>签到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On duty: %1</source>
        <translation>值班：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Please sign in</source>
        <translation>请签到</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sound off</source>
        <translation>声音已关</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sound on</source>
        <translation>声音已开</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+37"/>
        <source>Camera: %1</source>
        <translation>摄像头：%1</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Offline (not enrolled)</source>
        <translation>离线（未注册）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To sync: %1</source>
        <translation>待同步：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trust list</source>
        <translation>信任列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rosters</source>
        <translation>名单</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Clock off by %1 min: fix the time</source>
        <translation>时钟偏差 %1 分钟：请校准时间</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/bus_screen.py" line="-626"/>
        <source>Move to another bus</source>
        <translation>换到其他车</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>To bus</source>
        <translation>换到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. travels with family on that bus</source>
        <translation>如：与家人同乘那辆车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
</context>
<context>
    <name>ReferralQueueModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/models.py" line="+358"/>
        <source>Since</source>
        <translation>转入时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID number</source>
        <translation>证件号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>not measured</source>
        <translation>未测</translation>
    </message>
</context>
<context>
    <name>RosterEntriesModel</name>
    <message>
        <location line="-229"/>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID number</source>
        <translation>证件号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Booking</source>
        <translation>预约号</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>scanned</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>walk-in</source>
        <translation>临时加入</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On board</source>
        <translation>已上车</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Absent</source>
        <translation>缺席</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Moved to %1</source>
        <translation>已改乘 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not on board</source>
        <translation>未上车</translation>
    </message>
</context>
<context>
    <name>SecondaryScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/secondary_screen.py" line="+165"/>
        <source>Secondary check</source>
        <translation>复核点</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Re-measure °C</source>
        <translation>复测体温 °C</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. 366 or 36.6</source>
        <translation>如 366 或 36.6</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record reading</source>
        <translation>记录体温</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+119"/>
        <source>Let in</source>
        <translation>放行</translation>
    </message>
    <message>
        <location line="-118"/>
        <location line="+135"/>
        <source>Deny entry</source>
        <translation>拒绝进入</translation>
    </message>
    <message>
        <location line="-134"/>
        <location line="+172"/>
        <source>Nobody is waiting for the secondary check.</source>
        <translation>没有人等待复核。</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>Let %1 in. What did the secondary check find?</source>
        <translation>放行 %1。复核结果是什么？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Normal temperature on re-measure</source>
        <translation>复测体温正常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Negative test shown</source>
        <translation>已出示核酸阴性证明</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity checked against the certificate</source>
        <translation>已核对证书上的身份</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Deny %1 entry. Why?</source>
        <translation>拒绝 %1 进入，原因是什么？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fever confirmed on re-measure</source>
        <translation>复测仍发热</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No negative test</source>
        <translation>没有阴性证明</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed to the medical team</source>
        <translation>已交医疗组</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Nobody selected</source>
        <translation>未选择旅客</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Referred at %1, %2</source>
        <translation>%1 从 %2 转来</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No temperature yet</source>
        <translation>尚未测体温</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 °C is too low: measure again.</source>
        <translation>%1 °C 过低：请重新测量。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 °C is too high: measure again.</source>
        <translation>%1 °C 过高：请重新测量。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a temperature: type e.g. 36.6 or 366.</source>
        <translation>不是体温：请输入如 36.6 或 366。</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/bus_screen.py" line="-59"/>
        <source>Add a walk-in passenger</source>
        <translation>添加临时乘客</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID number</source>
        <translation>证件号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. booked by phone, driver agreed</source>
        <translation>如：电话预约、司机同意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../checkpoint_app/app.py" line="+126"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>No camera: use a USB scanner, type the code, or start with --source VIDEO</source>
        <translation>没有摄像头：请用 USB 扫码枪或手动输入，或用 --source 视频文件 启动</translation>
    </message>
</context>
</TS>
