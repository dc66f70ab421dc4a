<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BusScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/bus_screen.py" line="+488"/>
        <source>Bus</source>
        <translation>班车</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Bus:</source>
        <translation>班车：</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+293"/>
        <source>Tick by hand</source>
        <translation>手动登记</translation>
    </message>
    <message>
        <location line="-291"/>
        <location line="+311"/>
        <source>Undo tick</source>
        <translation>撤销登记</translation>
    </message>
    <message>
        <location line="-310"/>
        <source>Move to another bus</source>
        <translation>换到其他车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add walk-in</source>
        <translation>添加临时乘客</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Name, seat or last 4 digits</source>
        <translation>姓名、座位或后4位</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+325"/>
        <source>Mark absent</source>
        <translation>标记缺席</translation>
    </message>
    <message>
        <location line="-321"/>
        <source>Manifest CSV</source>
        <translation>导出名单 CSV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save this bus&apos;s passenger list for a spreadsheet</source>
        <translation>保存本车乘客名单（表格文件）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manifest PDF</source>
        <translation>导出名单 PDF</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save this bus&apos;s passenger list to print and sign</source>
        <translation>保存本车乘客名单（打印签字用）</translation>
    </message>
    <message>
        <location line="+153"/>
        <source>seat %1</source>
        <translation>%1 号座</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>%1 is now %2 on that bus</source>
        <translation>%1 已换过去，那辆车现在 %2</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>%1 passengers, names masked: %2</source>
        <translation>%1 名乘客，个人信息已打码：%2</translation>
    </message>
    <message>
        <location line="+14"/>
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
        <location line="+12"/>
        <source>%1 (seat %2) will not come on this bus. Why?</source>
        <translation>%1（%2号座）不乘坐本车。原因是？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Called: not coming</source>
        <translation>已电话联系：不来了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled the trip</source>
        <translation>已取消行程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer on the phone</source>
        <translation>电话无人接听</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>CSV for a spreadsheet (*.csv)</source>
        <translation>CSV 表格文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF to print (*.pdf)</source>
        <translation>PDF 打印文件 (*.pdf)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save the manifest</source>
        <translation>保存乘客名单</translation>
    </message>
    <message>
        <location line="+46"/>
        <location line="+237"/>
        <source>Depart</source>
        <translation>发车</translation>
    </message>
    <message>
        <location line="-236"/>
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
        <location line="+44"/>
        <source>Ticked here too. Check which bus they take; undo the wrong tick.</source>
        <translation>本车也已登记。请确认乘客坐哪辆车，并撤销错误的登记。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Import one (checkpoint-app roster import FILE) or sync with the centre.</source>
        <translation>请导入名单（checkpoint-app roster import 文件）或与中心同步。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>%1, on board there at %2</source>
        <translation>%1，已于 %2 在该车上车</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (seat %2) is also on: %3</source>
        <translation>%1（%2号座）也在：%3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On another bus&apos;s list too (%1): check which bus they take.</source>
        <translation>也在其他车的名单上（%1 人），请确认乘客坐哪辆车：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>and %1 more</source>
        <translation>还有 %1 人</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>departed %1</source>
        <translation>%1 已发车</translation>
    </message>
    <message>
        <location line="+45"/>
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
        <location line="+17"/>
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
    <name>CountsCharts</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_charts.py" line="+201"/>
        <source>Arrivals per %1 minutes</source>
        <translation>每 %1 分钟到达人数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Arrivals</source>
        <translation>到达</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Decisions</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Temperatures (°C)</source>
        <translation>体温分布（°C）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Normal: %1</source>
        <translation>正常：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fever: %1</source>
        <translation>发热：%1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Fever threshold %1 °C</source>
        <translation>发热线 %1 °C</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Per gate</source>
        <translation>各闸机/班车</translation>
    </message>
</context>
<context>
    <name>CountsTab</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="+901"/>
        <source>Shift or day</source>
        <translation>班次或日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gate / bus</source>
        <translation>闸机/班车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This shift</source>
        <translation>本班次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous shift</source>
        <translation>上一班次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A day</source>
        <translation>指定日期</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+30"/>
        <source>All gates</source>
        <translation>全部闸机</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Codes scanned</source>
        <translation>扫码人次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entered</source>
        <translation>已进入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referred</source>
        <translation>转复核</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Denied</source>
        <translation>拒绝进入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fevers</source>
        <translation>发热</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Red codes</source>
        <translation>红码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forged or invalid</source>
        <translation>伪造或无效码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overrides</source>
        <translation>主管改判</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not yet synced</source>
        <translation>未同步</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not count: %1</source>
        <translation>无法统计：%1</translation>
    </message>
</context>
<context>
    <name>EnrolPage</name>
    <message>
        <location filename="../../checkpoint_app/ui/first_run.py" line="+269"/>
        <source>Give the central API&apos;s address and the enrolment code, or stay offline.</source>
        <translation>请填写中心接口地址和注册码，或选择暂时离线。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Enrolling…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Wrong address: %1</source>
        <translation>地址有误：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The central API refused the enrolment: %1. Ask for a new enrolment code.</source>
        <translation>中心拒绝了注册：%1。请索取新的注册码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot reach the central API: %1. Check the address and the network, or stay offline for now.</source>
        <translation>无法连接中心接口：%1。请检查地址和网络，或暂时离线使用。</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Enrolled with checkpoint %1.</source>
        <translation>已注册到检查点 %1。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Central API</source>
        <translation>中心接口</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>With the network, the station syncs its log with the centre and receives the trust list, rules and rosters. Without it, the station works offline.</source>
        <translation>联网时，本站与中心同步日志，并接收信任列表、规则和名单；不联网也可以离线工作。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stay offline for now (the shipped seed cache)</source>
        <translation>暂时离线（使用随附的初始缓存）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrol with the central API</source>
        <translation>注册到中心接口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrolment code</source>
        <translation>注册码</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location line="+160"/>
        <source>Set up this station</source>
        <translation>设置本站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start</source>
        <translation>开始使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Skip setup</source>
        <translation>跳过设置</translation>
    </message>
</context>
<context>
    <name>GateScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/gate_screen.py" line="+532"/>
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
        <location line="+68"/>
        <source>Admit on visual check</source>
        <translation>人工核验放行</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>No phone: find by name or ID</source>
        <translation>无手机：按姓名或证件号查找</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera…</source>
        <translation>摄像头…</translation>
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
        <location line="+22"/>
        <source>What did you check? (e.g. photo ID, green code on the phone)</source>
        <translation>核验了什么？（如：带照片的证件、手机上的绿码）</translation>
    </message>
    <message>
        <location line="+118"/>
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
    <name>HandoverTab</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="+465"/>
        <source>Hand-over report</source>
        <translation>交接报告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed over by</source>
        <translation>交班人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed over to</source>
        <translation>接班人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The next team&apos;s supervisor</source>
        <translation>下一班负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save report (PDF and Excel)…</source>
        <translation>保存报告（PDF 和 Excel）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This shift</source>
        <translation>本班次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous shift</source>
        <translation>上一班次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From – to</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unlocked: the report will show personal data in full. Keep it safe.</source>
        <translation>已解锁：报告将显示完整个人信息，请妥善保管。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Personal data in the report is masked (unlock to include it in full).</source>
        <translation>报告中的个人信息已遮蔽（解锁后可包含完整信息）。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>In this period: %1 codes scanned, %2 entered, %3 referred, %4 denied, %5 fevers, %6 overrides; %7 events not yet at the centre.</source>
        <translation>本时段：扫码 %1 人次，进入 %2，转复核 %3，拒绝 %4，发热 %5，主管改判 %6；尚有 %7 条记录未送达中心。</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+21"/>
        <source>Please fill in who hands over and to whom.</source>
        <translation>请填写交班人和接班人。</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Save the hand-over report</source>
        <translation>保存交接报告</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Writing the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>The report could not be written: %1</source>
        <translation>报告无法生成：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved: %1 and %2 in the folder %3</source>
        <translation>已保存：%1 和 %2，位于文件夹 %3</translation>
    </message>
</context>
<context>
    <name>IntegrityTab</name>
    <message>
        <location line="-394"/>
        <source>Check log</source>
        <translation>检查日志</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show this event in the log</source>
        <translation>在日志中查看这条记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recomputes every event&apos;s hash and its link to the one before, device by device. An edited, deleted or inserted event breaks the chain.</source>
        <translation>逐台设备重新计算每条记录的哈希值及其与上一条的链接。任何记录被修改、删除或插入，链条都会断开。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Chain head of each device (compare with the printed report):</source>
        <translation>各设备的链头（请与打印的报告核对）：</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Checking the log…</source>
        <translation>正在检查日志…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The check could not run</source>
        <translation>无法进行检查</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not checked yet</source>
        <translation>尚未检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press “Check log” to verify the record.</source>
        <translation>请按“检查日志”核验记录。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Log intact: %1 events, %2 device(s)</source>
        <translation>日志完整：%1 条记录，%2 台设备</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Every event matches its hash and its link to the one before.</source>
        <translation>每条记录都与其哈希值及上一条的链接相符。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Log broken: it was changed after it was written</source>
        <translation>日志已损坏：写入后被改动过</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device %1, event #%2: %3</source>
        <translation>设备 %1，第 %2 条记录：%3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Event id: %1</source>
        <translation>记录编号：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checked %1 events up to the break.</source>
        <translation>断点之前已检查 %1 条记录。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The event as the log lists it: %1</source>
        <translation>日志中的这条记录：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the event was edited (its fields no longer give its hash)</source>
        <translation>记录被修改（内容与哈希值不符）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>events are missing (deleted)</source>
        <translation>记录缺失（被删除）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an event was inserted or the order changed</source>
        <translation>有记录被插入或顺序被改动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the personal data was changed</source>
        <translation>个人信息被改动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>personal data was added to an event without any</source>
        <translation>向原本没有个人信息的记录添加了个人信息</translation>
    </message>
</context>
<context>
    <name>LanguagePage</name>
    <message>
        <location filename="../../checkpoint_app/ui/first_run.py" line="-381"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The language of the screens. You can switch at any time.</source>
        <translation>界面语言，随时可以切换。</translation>
    </message>
</context>
<context>
    <name>ListAgesModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_models.py" line="+449"/>
        <source>Cached list</source>
        <translation>缓存清单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Age</source>
        <translation>已过时间</translation>
    </message>
</context>
<context>
    <name>LogTab</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="-946"/>
        <location line="+303"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="-302"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+277"/>
        <source>Gate / bus</source>
        <translation>闸机/班车</translation>
    </message>
    <message>
        <location line="-277"/>
        <location line="+338"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="-338"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decision / action</source>
        <translation>判定/操作</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+277"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location line="-277"/>
        <location line="+313"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location line="-336"/>
        <source>Search: name, last 4 of ID, code or event id</source>
        <translation>搜索：姓名、证件号后4位、码编号或记录编号</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Override…</source>
        <translation>主管改判…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>e.g. 张* or 1234</source>
        <translation>例如 张* 或 1234</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This traveller&apos;s other events</source>
        <translation>该旅客的其他记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This shift</source>
        <translation>本班次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From – to</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>All gates and buses</source>
        <translation>全部闸机和班车</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All devices</source>
        <translation>全部设备</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All events</source>
        <translation>全部事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All decisions</source>
        <translation>全部判定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All operators</source>
        <translation>全部操作员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Any sync state</source>
        <translation>全部同步状态</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>(this laptop)</source>
        <translation>（本机）</translation>
    </message>
    <message>
        <location line="+151"/>
        <source>Counting… (the newest %1 shown)</source>
        <translation>正在统计…（先显示最新的 %1 条）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 events</source>
        <translation>共 %1 条记录</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Pick an event in the list to see everything about it.</source>
        <translation>在列表中选择一条记录，查看其全部信息。</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Traveller</source>
        <translation>旅客</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Clock offset</source>
        <translation>时钟偏差</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>Personal data (unlocked)</source>
        <translation>个人信息（已解锁）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Personal data (masked: unlock to see it in full)</source>
        <translation>个人信息（已遮蔽：解锁后可查看完整信息）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>From this traveller&apos;s scan at %1</source>
        <translation>来自该旅客 %1 的扫码记录</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>None recorded (or deleted after the retention period).</source>
        <translation>无记录（或已在保留期满后删除）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Synced at</source>
        <translation>同步时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The centre&apos;s reason</source>
        <translation>中心给出的原因</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recorded fields</source>
        <translation>记录内容</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Hash chain</source>
        <translation>哈希链</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Hash</source>
        <translation>哈希值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous</source>
        <translation>上一条</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event id</source>
        <translation>记录编号</translation>
    </message>
    <message>
        <location line="+21"/>
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
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code id</source>
        <translation>码编号</translation>
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
        <source>No camera: use a USB scanner, type the code, or press Camera… to scan a video file or an image folder</source>
        <translation>没有摄像头：请用 USB 扫码枪或手动输入，或点“摄像头…”扫描视频文件或图片文件夹</translation>
    </message>
    <message>
        <location line="+13"/>
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
        <location line="+160"/>
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
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
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
        <location filename="../../checkpoint_app/ui/bus_screen.py" line="-853"/>
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
    <name>NoPhoneDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/gate_screen.py" line="-396"/>
        <location line="+88"/>
        <source>No phone</source>
        <translation>无手机</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>Name or last 4 of the ID number:</source>
        <translation>姓名或证件号后4位：</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>ID number (if shown):</source>
        <translation>证件号（如有）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What did you check? (e.g. photo ID)</source>
        <translation>核对了什么？（如：身份证）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send to secondary check</source>
        <translation>送复核点</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type a paper code instead</source>
        <translation>改为输入纸质码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>seat %1</source>
        <translation>座位 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not on any roster: check the spelling, or send them to the secondary check with the name as typed.</source>
        <translation>名单中没有：请检查写法，或按所输姓名送复核点。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Type the code text (or scan a paper code):</source>
        <translation>输入码的内容（或扫描纸质码）：</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="-596"/>
        <source>Supervisor override</source>
        <translation>主管改判</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Override for %1</source>
        <translation>改判：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Let in (entered)</source>
        <translation>放行（已进入）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deny</source>
        <translation>拒绝通行</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why? (required, kept in the log)</source>
        <translation>原因（必填，记入日志）</translation>
    </message>
</context>
<context>
    <name>PinPage</name>
    <message>
        <location filename="../../checkpoint_app/ui/first_run.py" line="+42"/>
        <source>A supervisor PIN is already set on this station.</source>
        <translation>本站已设置主管密码。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No PIN: supervisor overrides and unmasked exports are unavailable until a supervisor PIN is set.</source>
        <translation>未设置密码：在设置主管密码之前，无法进行主管改判，也无法导出未遮蔽的数据。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The two PINs differ: type the same PIN twice.</source>
        <translation>两次输入的密码不一致：请输入相同的密码两次。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The PIN must be 4 to 12 digits.</source>
        <translation>密码必须是 4 到 12 位数字。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Supervisor PIN</source>
        <translation>主管密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The supervisor&apos;s PIN (4 to 12 digits) unlocks overrides and full personal data. Give it only to the supervisor. Leave it empty to set it later.</source>
        <translation>主管密码（4 到 12 位数字）用于改判和查看完整个人信息，只告诉主管本人。留空则以后再设置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat the PIN</source>
        <translation>再次输入密码</translation>
    </message>
</context>
<context>
    <name>ReferralQueueModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/models.py" line="+390"/>
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
        <location line="+31"/>
        <source>not measured</source>
        <translation>未测</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="+1476"/>
        <source>Review</source>
        <translation>审查</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Counts</source>
        <translation>统计</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sync problems</source>
        <translation>同步问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hand-over</source>
        <translation>交接</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Unlocked: personal data shown</source>
        <translation>已解锁：显示个人信息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Locked: personal data masked</source>
        <translation>已锁定：个人信息已遮蔽</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
</context>
<context>
    <name>ReviewTexts</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_models.py" line="-411"/>
        <source>Code scanned</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journey</source>
        <translation>通行状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roster imported</source>
        <translation>导入名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roster tick</source>
        <translation>名单勾选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passenger added</source>
        <translation>添加乘客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bus departed</source>
        <translation>班车发车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone number shown</source>
        <translation>显示电话号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor unlocked</source>
        <translation>主管解锁</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong supervisor PIN</source>
        <translation>主管密码错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor locked</source>
        <translation>主管锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync problem reviewed</source>
        <translation>已审阅同步问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift handed over</source>
        <translation>班次交接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings changed</source>
        <translation>设置已更改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data exported</source>
        <translation>数据已导出</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Entered</source>
        <translation>已进入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admitted on a visual check</source>
        <translation>人工核验通行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed online</source>
        <translation>联网确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged online</source>
        <translation>联网核验未通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Marked absent</source>
        <translation>标记缺席</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed over</source>
        <translation>已移交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor override</source>
        <translation>主管改判</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ticked</source>
        <translation>已勾选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unticked</source>
        <translation>取消勾选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moved to another bus</source>
        <translation>转到其他班车</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Waiting to sync</source>
        <translation>等待同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Rejected by the centre</source>
        <translation>中心拒收</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From another device</source>
        <translation>来自其他设备</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pending</source>
        <translation>待同步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rejected</source>
        <translation>被拒收</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other device</source>
        <translation>其他设备</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Health-code trust list</source>
        <translation>健康码信任列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revoked codes</source>
        <translation>已撤销的码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EU certificate signers</source>
        <translation>欧盟证书签发者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint rules</source>
        <translation>检查站规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bus rosters</source>
        <translation>班车名单</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>repeat</source>
        <translation>重复扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fever</source>
        <translation>发热</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered</source>
        <translation>已进入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>denied</source>
        <translation>拒绝进入</translation>
    </message>
</context>
<context>
    <name>RosterEntriesModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/models.py" line="-203"/>
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
        <location line="+50"/>
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
        <location filename="../../checkpoint_app/ui/secondary_screen.py" line="+160"/>
        <source>Secondary check</source>
        <translation>复核点</translation>
    </message>
    <message>
        <location line="+5"/>
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
    <name>SetPinDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/supervisor.py" line="+113"/>
        <source>Set the supervisor PIN</source>
        <translation>设置主管密码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No supervisor PIN is set yet. Choose one (4 to 12 digits): it unlocks personal data and overrides. Keep it to yourself.</source>
        <translation>尚未设置主管密码。请设置一个（4 到 12 位数字）：它用于查看个人信息和主管改判。请勿告诉他人。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>New PIN</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The PIN must be 4 to 12 digits.</source>
        <translation>密码须为 4 到 12 位数字。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The two PINs differ: type the same PIN twice.</source>
        <translation>两次输入的密码不一致：请输入相同的密码两次。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/settings_dialog.py" line="+160"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+9"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bystander-safe mode</source>
        <translation>防围观模式</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Small verdict, its colour only on my side, one sound for every outcome</source>
        <translation>结果小字显示，颜色只在操作员一侧，所有结果同一提示音</translation>
    </message>
    <message>
        <location line="+8"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verdict stays for</source>
        <translation>结果显示时长</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lock the supervisor after</source>
        <translation>主管自动锁定时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The checkpoint and the gate need a name.</source>
        <translation>检查点和闸机都需要名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a camera, a video file or an image folder.</source>
        <translation>请选择摄像头、视频文件或图片文件夹。</translation>
    </message>
</context>
<context>
    <name>SourceDialog</name>
    <message>
        <location line="-75"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose a camera, or a video file or a folder of images to scan:</source>
        <translation>请选择摄像头，或要扫描的视频文件或图片文件夹：</translation>
    </message>
</context>
<context>
    <name>SourcePicker</name>
    <message>
        <location line="-51"/>
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Video file…</source>
        <translation>视频文件…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Image folder…</source>
        <translation>图片文件夹…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Video file</source>
        <translation>视频文件</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Image folder</source>
        <translation>图片文件夹</translation>
    </message>
</context>
<context>
    <name>StationPage</name>
    <message>
        <location filename="../../checkpoint_app/ui/first_run.py" line="+166"/>
        <source>Checkpoint and gate</source>
        <translation>检查点和闸机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shown at the top of the screen and recorded with every scan.</source>
        <translation>显示在屏幕顶部，并随每次扫码记录。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Beijing West, south entrance</source>
        <translation>例如：北京西站 南门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Gate 2</source>
        <translation>例如：2号闸机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leave empty to keep the defaults; change them later.</source>
        <translation>留空则使用默认名称，以后可以修改。</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location line="+26"/>
        <source>Ready</source>
        <translation>设置完成</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Supervisor PIN: set</source>
        <translation>主管密码：已设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Supervisor PIN: not set — overrides are unavailable</source>
        <translation>主管密码：未设置 — 无法改判</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Central API: enrolled (%1)</source>
        <translation>中心接口：已注册（%1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Central API: offline, with the shipped seed cache</source>
        <translation>中心接口：离线，使用随附的初始缓存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Station: %1 · %2</source>
        <translation>本站：%1 · %2</translation>
    </message>
</context>
<context>
    <name>SyncProblemsModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_models.py" line="+262"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The centre&apos;s reason</source>
        <translation>中心给出的原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reviewed</source>
        <translation>已审阅</translation>
    </message>
</context>
<context>
    <name>SyncTab</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_screen.py" line="-650"/>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark reviewed…</source>
        <translation>标记为已审阅…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Age of the cached lists</source>
        <translation>缓存清单的更新时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Amber: older than 24 hours. Red: older than 72 hours, or never fetched.</source>
        <translation>黄色：超过 24 小时；红色：超过 72 小时或从未获取。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Could not read the sync state: %1</source>
        <translation>无法读取同步状态：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Everything has reached the centre.</source>
        <translation>所有记录均已送达中心。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 rejected by the centre, %2 waiting to sync</source>
        <translation>中心拒收 %1 条，等待同步 %2 条</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 event(s) will be sent again at the next sync.</source>
        <translation>%1 条记录将在下次同步时重新发送。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 event(s) marked as reviewed.</source>
        <translation>已将 %1 条记录标记为已审阅。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Mark reviewed</source>
        <translation>标记为已审阅</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You looked at %1 event(s) the centre has not taken. What did you find or do?</source>
        <translation>您查看了 %1 条中心未接收的记录。发现了什么或做了什么处理？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Duplicate of an event already at the centre</source>
        <translation>与中心已有记录重复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reported to the centre by phone</source>
        <translation>已电话报告中心</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test event, no action needed</source>
        <translation>测试记录，无需处理</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../checkpoint_app/ui/supervisor.py" line="+23"/>
        <source>Supervisor unlock</source>
        <translation>主管解锁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Supervisor PIN</source>
        <translation>主管密码</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>No supervisor PIN is set yet.</source>
        <translation>尚未设置主管密码。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Wrong PIN. %1 tries left before a lock-out.</source>
        <translation>密码错误。再错 %1 次将被锁定。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Too many wrong PINs: locked for %1 s.</source>
        <translation>密码错误次数过多：已锁定 %1 秒。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wrong PIN.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>You can try again now.</source>
        <translation>现在可以重试。</translation>
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
    <name>_RowsModel</name>
    <message>
        <location filename="../../checkpoint_app/ui/review_models.py" line="-204"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Traveller</source>
        <translation>旅客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gate / bus</source>
        <translation>闸机/班车</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../checkpoint_app/app.py" line="+219"/>
        <source>Gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>No camera: use a USB scanner, type the code, or press Camera… to scan a video file or an image folder</source>
        <translation>没有摄像头：请用 USB 扫码枪或手动输入，或点“摄像头…”扫描视频文件或图片文件夹</translation>
    </message>
</context>
</TS>
