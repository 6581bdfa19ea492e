<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountAdapter</name>
    <message>
        <location filename="../../app/adapters/account.py" line="184" />
        <source>Wrong e-mail address or password.</source>
        <translation>电子邮件地址或密码错误。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="188" />
        <source>Too many attempts. Try again in {minutes} minutes.</source>
        <translation>尝试次数过多。请在 {minutes} 分钟后重试。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="189" />
        <source>Too many attempts. Try again later.</source>
        <translation>尝试次数过多。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="192" />
        <source>The Castwise service at {url} cannot be reached. Check the address in Settings and your connection.</source>
        <translation>无法连接位于 {url} 的 Castwise 服务。请检查“设置”中的地址和你的网络连接。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="194" />
        <source>No Castwise service address is set. Enter it in Settings (Castwise service address).</source>
        <translation>尚未设置 Castwise 服务地址。请在“设置”中填写（Castwise 服务地址）。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="196" />
        <source>You are signed out. Sign in to your Castwise account again.</source>
        <translation>你已退出登录。请重新登录你的 Castwise 账户。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="199" />
        <source>Enter a valid e-mail address.</source>
        <translation>请输入有效的电子邮件地址。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="200" />
        <source>A username is 3 to 40 letters, digits, '.', '-' or '_', starting and ending with a letter or digit.</source>
        <translation>用户名为 3 到 40 个字母、数字、“.”、“-”或“_”，并以字母或数字开头和结尾。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="201" />
        <source>A password needs at least 10 characters.</source>
        <translation>密码至少需要 10 个字符。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="207" />
        <source>The service refused: {detail}</source>
        <translation>服务拒绝了请求：{detail}</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="211" />
        <source>Something went wrong ({name}). Report a problem if it keeps happening.</source>
        <translation>出现问题（{name}）。如果反复出现，请报告问题。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="203" />
        <source>Check the form: a valid e-mail address, a username of letters, digits, - or _, and a password of at least 10 characters.</source>
        <translation>请检查表单：有效的电子邮件地址、由字母、数字、- 或 _ 组成的用户名，以及至少 10 个字符的密码。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="205" />
        <source>That e-mail address or username already has an account. Sign in instead.</source>
        <translation>该电子邮件地址或用户名已有账户。请直接登录。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="324" />
        <source>no longer among your purchases</source>
        <translation>已不在你的购买项目中</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="369" />
        <source>{added} premium shows added, {kept} already here, {ended} no longer available.</source>
        <translation>已添加 {added} 个付费节目，{kept} 个已存在，{ended} 个不再可用。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/account.py" line="375" />
        <source>Synced: {sent} subscriptions sent, {received} received, {removed} removed; {uploaded} progress updates sent, {applied} applied.</source>
        <translation>已同步：发送 {sent} 个订阅，收到 {received} 个，移除 {removed} 个；发送 {uploaded} 条进度更新，应用 {applied} 条。</translation>
    </message>
</context>
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../app/components/account_dialog.py" line="57" />
        <source>Castwise account</source>
        <translation>Castwise 账户</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="70" />
        <location filename="../../app/components/account_dialog.py" line="75" />
        <source>E-mail address or username</source>
        <translation>电子邮件地址或用户名</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="73" />
        <location filename="../../app/components/account_dialog.py" line="76" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="77" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="80" />
        <source>Create an account…</source>
        <translation>创建账户…</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="89" />
        <location filename="../../app/components/account_dialog.py" line="95" />
        <source>E-mail address</source>
        <translation>电子邮件地址</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="91" />
        <location filename="../../app/components/account_dialog.py" line="96" />
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="94" />
        <location filename="../../app/components/account_dialog.py" line="97" />
        <source>Password (at least 10 characters)</source>
        <translation>密码（至少 10 个字符）</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="98" />
        <source>Create account</source>
        <translation>创建账户</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="100" />
        <source>I already have an account</source>
        <translation>我已有账户</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="116" />
        <location filename="../../app/components/account_dialog.py" line="128" />
        <source>Purchases</source>
        <translation>已购项目</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="120" />
        <source>No premium shows bought with this account yet.</source>
        <translation>此账户尚未购买任何付费节目。</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="124" />
        <source>Restore purchases</source>
        <translation>恢复购买</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="125" />
        <source>Subscribe on this computer to every premium show you bought</source>
        <translation>在这台电脑上订阅你购买的所有付费节目</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="133" />
        <source>Signed-in devices</source>
        <translation>已登录的设备</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="138" />
        <source>Sign out that device</source>
        <translation>让该设备退出登录</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="142" />
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="146" />
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="147" />
        <source>Sync subscriptions and listening progress with your other devices (private feeds stay here)</source>
        <translation>与你的其他设备同步订阅和收听进度（私有订阅源只保留在这台电脑上）</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="149" />
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="157" />
        <source>Account messages</source>
        <translation>账户消息</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="181" />
        <source>Enter your e-mail address (or username) and password.</source>
        <translation>请输入你的电子邮件地址（或用户名）和密码。</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="195" />
        <source>Fill in an e-mail address, a username and a password.</source>
        <translation>请填写电子邮件地址、用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="205" />
        <source>Restoring purchases…</source>
        <translation>正在恢复购买…</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="209" />
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="227" />
        <source>Castwise service: {url}</source>
        <translation>Castwise 服务：{url}</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="233" />
        <source>Signed in as {name}</source>
        <translation>已登录为 {name}</translation>
    </message>
    <message>
        <location filename="../../app/components/account_dialog.py" line="235" />
        <source>{count} votes, answers or comments waiting to be sent</source>
        <translation>{count} 条投票、回答或评论等待发送</translation>
    </message>
</context>
<context>
    <name>AccountFeatures</name>
    <message>
        <location filename="../../app/interactive_link.py" line="64" />
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="70" />
        <source>Account and purchases…</source>
        <translation>账户与购买…</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="197" />
        <source>Your access to {title} ended; it is no longer refreshed.</source>
        <translation>你对 {title} 的访问已结束，它将不再更新。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="254" />
        <source>Your vote counted.</source>
        <translation>你的投票已计入。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="255" />
        <source>Your answer reached the creator.</source>
        <translation>你的回答已送达创作者。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="256" />
        <source>Your comment was posted.</source>
        <translation>你的评论已发布。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="257" />
        <source>Thank you: the creator will look at this comment.</source>
        <translation>谢谢：创作者会查看这条评论。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="258" />
        <source>Your comment was changed.</source>
        <translation>你的评论已修改。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="259" />
        <source>Your comment was deleted.</source>
        <translation>你的评论已删除。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="262" />
        <source>Your comment waits for the creator's approval.</source>
        <translation>你的评论正在等待创作者审核。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="265" />
        <source>Your changed comment waits for the creator's approval.</source>
        <translation>你修改后的评论正在等待创作者审核。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="274" />
        <source>The creator published your answer.</source>
        <translation>创作者公开了你的回答。</translation>
    </message>
    <message>
        <location filename="../../app/interactive_link.py" line="276" />
        <source>The creator published an answer from {author}.</source>
        <translation>创作者公开了 {author} 的回答。</translation>
    </message>
</context>
<context>
    <name>CommentsModel</name>
    <message>
        <location filename="../../app/components/interaction_comments.py" line="133" />
        <source>{author} (creator)</source>
        <translation>{author}（创作者）</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments.py" line="135" />
        <source>{author} (you)</source>
        <translation>{author}（你）</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments.py" line="142" />
        <source>(edited)</source>
        <translation>（已编辑）</translation>
    </message>
</context>
<context>
    <name>DevicesModel</name>
    <message>
        <location filename="../../app/components/account_devices.py" line="35" />
        <source>{device} (this computer)</source>
        <translation>{device}（这台电脑）</translation>
    </message>
    <message>
        <location filename="../../app/components/account_devices.py" line="36" />
        <source>{device}, last used {when} UTC</source>
        <translation>{device}，最近使用于 {when} UTC</translation>
    </message>
</context>
<context>
    <name>DownloadListModel</name>
    <message>
        <location filename="../../app/models/downloads.py" line="35" />
        <source>Episode</source>
        <translation>单集</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="36" />
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="37" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="40" />
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="41" />
        <source>Downloading</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="42" />
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="43" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="44" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/models/downloads.py" line="45" />
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>DownloadsPage</name>
    <message>
        <location filename="../../app/pages/simple.py" line="142" />
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="148" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="149" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="150" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>EpisodeDetailsPane</name>
    <message>
        <location filename="../../app/components/episode_details.py" line="65" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="67" />
        <source>Add to Up Next</source>
        <translation>加入待播</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="69" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="71" />
        <source>Like</source>
        <translation>喜欢</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="74" />
        <source>Not interested</source>
        <translation>不感兴趣</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="85" />
        <source>Notes</source>
        <translation>简介</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="87" />
        <location filename="../../app/components/episode_details.py" line="91" />
        <source>Chapters</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="94" />
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="120" />
        <location filename="../../app/pages/library.py" line="206" />
        <source>No episode selected</source>
        <translation>未选择单集</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="138" />
        <source>This episode has no audio to play.</source>
        <translation>此单集没有可播放的音频。</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="140" />
        <source>A video episode: Castwise plays its sound.</source>
        <translation>这是视频单集：Castwise 只播放其声音。</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="153" />
        <source>Loading the transcript…</source>
        <translation>正在加载文字稿…</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="166" />
        <source>People: {names}</source>
        <translation>参与者：{names}</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="168" />
        <source>Support: {links}</source>
        <translation>支持：{links}</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="173" />
        <source>Upcoming live episode</source>
        <translation>即将开始的直播</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="174" />
        <source>Live now</source>
        <translation>正在直播</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="175" />
        <source>Live episode (ended)</source>
        <translation>直播单集（已结束）</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="176" />
        <source>Live episode</source>
        <translation>直播单集</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="179" />
        <source>{status}, starts {start}</source>
        <translation>{status}，开始于 {start}</translation>
    </message>
    <message>
        <location filename="../../app/components/episode_details.py" line="180" />
        <source>{status} - live episodes are not supported yet.</source>
        <translation>{status} - 暂不支持直播单集。</translation>
    </message>
</context>
<context>
    <name>EpisodeListModel</name>
    <message>
        <location filename="../../app/models/episodes.py" line="91" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="92" />
        <source>Podcast</source>
        <translation>播客</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="93" />
        <source>Published</source>
        <translation>发布日期</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="94" />
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="95" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="98" />
        <source>New</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="99" />
        <source>In progress</source>
        <translation>收听中</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="100" />
        <source>Played</source>
        <translation>已播放</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="102" />
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="107" />
        <source>Video (plays as audio)</source>
        <translation>视频（以音频播放）</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="108" />
        <source>Live: not supported yet</source>
        <translation>直播：暂不支持</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="109" />
        <source>Nothing to play</source>
        <translation>没有可播放的内容</translation>
    </message>
</context>
<context>
    <name>ForYouPage</name>
    <message>
        <location filename="../../app/pages/for_you.py" line="55" />
        <source>Recommendations are on their way</source>
        <translation>推荐即将到来</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="57" />
        <source>Castwise learns what you like on this computer, from what you play, like and skip. Once the recommender is installed and you have listened a little, picks with their reasons appear here. Your listening history never leaves this machine.</source>
        <translation>Castwise 在这台电脑上根据你播放、喜欢和跳过的内容了解你的喜好。安装推荐模型并收听一段时间后，推荐及其理由会显示在这里。你的收听记录永远不会离开这台电脑。</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="69" />
        <source>Recommended episodes</source>
        <translation>推荐的单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="74" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="76" />
        <source>Not interested</source>
        <translation>不感兴趣</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="88" />
        <source>Updating recommendations…</source>
        <translation>正在更新推荐…</translation>
    </message>
</context>
<context>
    <name>IndexingStatus</name>
    <message>
        <location filename="../../app/recommend_indexing.py" line="167" />
        <source>Recommendation indexing progress</source>
        <translation>推荐索引进度</translation>
    </message>
    <message>
        <location filename="../../app/recommend_indexing.py" line="182" />
        <source>Preparing recommendations: {done} of {total} episodes</source>
        <translation>正在准备推荐：已处理 {done} / {total} 个单集</translation>
    </message>
    <message>
        <location filename="../../app/recommend_indexing.py" line="194" />
        <source>Recommendations could not index new episodes: {error}</source>
        <translation>推荐无法索引新单集：{error}</translation>
    </message>
</context>
<context>
    <name>InteractionCommentsBox</name>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="67" />
        <location filename="../../app/components/interaction_comments_box.py" line="69" />
        <source>Answers the creator published</source>
        <translation>创作者公开的回答</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="77" />
        <location filename="../../app/components/interaction_comments_box.py" line="109" />
        <source>Comments near this moment</source>
        <translation>此刻附近的评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="79" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="82" />
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="83" />
        <source>Reply to the selected comment</source>
        <translation>回复选中的评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="86" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="87" />
        <source>Change your selected comment</source>
        <translation>修改你选中的评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="90" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="91" />
        <source>Delete your selected comment and the replies to it</source>
        <translation>删除你选中的评论及其回复</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="94" />
        <source>Report…</source>
        <translation>举报…</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="95" />
        <source>Report the selected comment to the creator</source>
        <translation>向创作者举报所选评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="99" />
        <source>Spam</source>
        <translation>垃圾信息</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="99" />
        <source>Abusive or hateful</source>
        <translation>辱骂或仇恨内容</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="100" />
        <source>Spoiler</source>
        <translation>剧透</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="100" />
        <source>Off topic</source>
        <translation>离题</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="121" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="129" />
        <location filename="../../app/components/interaction_comments_box.py" line="281" />
        <source>Your comment</source>
        <translation>你的评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="174" />
        <source>The creator replied to your comment: {text}</source>
        <translation>创作者回复了你的评论：{text}</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="221" />
        <source>Replying to {author}: {text}</source>
        <translation>正在回复 {author}：{text}</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="232" />
        <source>Changing your comment at {time}</source>
        <translation>正在修改你在 {time} 的评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="241" />
        <source>Deleting your comment…</source>
        <translation>正在删除你的评论…</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="253" />
        <source>Your change is on its way.</source>
        <translation>你的修改正在发送。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="256" />
        <source>Your reply is on its way.</source>
        <translation>你的回复正在发送。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="259" />
        <source>Your comment is on its way.</source>
        <translation>你的评论正在发送。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="280" />
        <source>Save change</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="283" />
        <source>Reply at {time}</source>
        <translation>在 {time} 回复</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="284" />
        <source>Your reply</source>
        <translation>你的回复</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="286" />
        <source>Comment at {time}</source>
        <translation>在 {time} 评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_comments_box.py" line="287" />
        <source>Comment on this moment</source>
        <translation>评论此刻</translation>
    </message>
</context>
<context>
    <name>InteractionPanel</name>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="81" />
        <location filename="../../app/components/interaction_panel.py" line="168" />
        <source>Polls and comments</source>
        <translation>投票和评论</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="86" />
        <source>Poll or question</source>
        <translation>投票或问题</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="91" />
        <source>Polls and questions appear here when the episode reaches them.</source>
        <translation>播放到投票和问题的时刻时，它们会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="100" />
        <location filename="../../app/components/interaction_panel.py" line="210" />
        <source>Vote</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="113" />
        <source>Your answer</source>
        <translation>你的回答</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="114" />
        <source>Your answer (only the creator sees it)</source>
        <translation>你的回答（只有创作者能看到）</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="116" />
        <source>The creator may publish my answer</source>
        <translation>允许创作者公开我的回答</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="117" />
        <source>Send answer</source>
        <translation>发送回答</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="127" />
        <source>Voting, answering and commenting need a Castwise account. You can read the comments without one.</source>
        <translation>投票、回答和评论需要 Castwise 账户。没有账户也可以阅读评论。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="129" />
        <source>Sign in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="157" />
        <source>Poll and comment messages</source>
        <translation>投票和评论消息</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="188" />
        <location filename="../../app/components/interaction_panel.py" line="201" />
        <source>Poll</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="210" />
        <location filename="../../app/components/interaction_panel.py" line="276" />
        <source>Voted</source>
        <translation>已投票</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="214" />
        <location filename="../../app/components/interaction_panel.py" line="227" />
        <source>This poll is closed.</source>
        <translation>此投票已结束。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="232" />
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="284" />
        <source>Choose an option first.</source>
        <translation>请先选择一个选项。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="287" />
        <source>Your vote is on its way.</source>
        <translation>你的投票正在发送。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="293" />
        <source>Write an answer first.</source>
        <translation>请先写下回答。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="296" />
        <source>Your answer is on its way.</source>
        <translation>你的回答正在发送。</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="328" />
        <source>{option}: {votes}</source>
        <translation>{option}：{votes}</translation>
    </message>
    <message>
        <location filename="../../app/components/interaction_panel.py" line="331" />
        <source>Votes in all: {total}</source>
        <translation>总票数：{total}</translation>
    </message>
</context>
<context>
    <name>InteractiveAdapter</name>
    <message>
        <location filename="../../app/adapters/interactive.py" line="474" />
        <source>The Castwise service cannot be reached now; your votes, answers and comments are kept and sent when it is back.</source>
        <translation>现在无法连接 Castwise 服务；你的投票、回答和评论已保存，服务恢复后会自动发送。</translation>
    </message>
    <message>
        <location filename="../../app/adapters/interactive.py" line="488" />
        <source>Not sent: {reason}</source>
        <translation>未发送：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/adapters/interactive.py" line="490" />
        <source>Sign in to send your votes, answers and comments.</source>
        <translation>登录后才能发送你的投票、回答和评论。</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../app/pages/library.py" line="101" />
        <source>Welcome to Castwise</source>
        <translation>欢迎使用 Castwise</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="102" />
        <source>Subscribe to a podcast by its feed address, import your subscriptions from another app as OPML, or find shows in Search.</source>
        <translation>通过订阅源地址订阅播客，以 OPML 从其他应用导入订阅，或在“搜索”中查找节目。</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="104" />
        <source>Subscribe by URL…</source>
        <translation>通过 URL 订阅…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="107" />
        <source>Import OPML…</source>
        <translation>导入 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="120" />
        <source>Subscribe by URL</source>
        <translation>通过 URL 订阅</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="121" />
        <source>Import OPML</source>
        <translation>导入 OPML</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="122" />
        <source>Refresh all podcasts</source>
        <translation>刷新所有播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="123" />
        <location filename="../../app/pages/library.py" line="400" />
        <source>Unsubscribe</source>
        <translation>取消订阅</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="126" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="128" />
        <source>Show podcasts as a grid</source>
        <translation>以网格显示播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="131" />
        <source>Sort podcasts</source>
        <translation>播客排序</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="132" />
        <source>A–Z</source>
        <translation>按名称</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="133" />
        <source>New episodes</source>
        <translation>新单集数</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="142" />
        <source>Refresh progress</source>
        <translation>刷新进度</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="146" />
        <source>All new episodes</source>
        <translation>所有新单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="156" />
        <source>Podcasts</source>
        <translation>播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="172" />
        <location filename="../../app/pages/library.py" line="173" />
        <source>Filter episodes</source>
        <translation>筛选单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="177" />
        <source>Show episodes</source>
        <translation>显示单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="179" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="180" />
        <source>Unplayed</source>
        <translation>未播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="181" />
        <source>In progress</source>
        <translation>收听中</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="182" />
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="183" />
        <source>Played</source>
        <translation>已播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="193" />
        <source>Episodes</source>
        <translation>单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="295" />
        <source>Refreshing %v of %m</source>
        <translation>正在刷新 %v / %m</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="304" />
        <source>{title}: {error}</source>
        <translation>{title}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="377" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="378" />
        <source>Add to Up Next</source>
        <translation>加入待播</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="379" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="385" />
        <source>Mark as played</source>
        <translation>标记为已播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="386" />
        <source>Mark as unplayed</source>
        <translation>标记为未播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="394" />
        <source>Playback speed for this show…</source>
        <translation>本节目的播放速度…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="395" />
        <source>Auto-download new episodes</source>
        <translation>自动下载新单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="427" />
        <source>{count} episodes</source>
        <translation>{count} 个单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="428" />
        <source>{shown} of {total} episodes</source>
        <translation>{shown} / {total} 个单集</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="130" />
        <source>Library</source>
        <translation>资料库</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="133" />
        <source>Up Next</source>
        <translation>待播</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="134" />
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="135" />
        <source>For You</source>
        <translation>为你推荐</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="136" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="137" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="146" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="147" />
        <source>Subscribe by URL…</source>
        <translation>通过 URL 订阅…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="148" />
        <source>Import OPML…</source>
        <translation>导入 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="149" />
        <source>Export OPML…</source>
        <translation>导出 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="150" />
        <source>Refresh all podcasts</source>
        <translation>刷新所有播客</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="152" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="153" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="154" />
        <source>Report a problem…</source>
        <translation>报告问题…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="287" />
        <source>Added to Up Next.</source>
        <translation>已加入待播。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="289" />
        <source>Already in Up Next.</source>
        <translation>已在待播列表中。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="300" />
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="306" />
        <source>Subscribing to {url}…</source>
        <translation>正在订阅 {url}…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="348" />
        <source>Importing {name}…</source>
        <translation>正在导入 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="362" />
        <source>Subscribe</source>
        <translation>订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="362" />
        <source>Feed address (URL):</source>
        <translation>订阅源地址（URL）：</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="368" />
        <source>Import subscriptions</source>
        <translation>导入订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="368" />
        <location filename="../../app/main_window.py" line="386" />
        <source>OPML files (*.opml *.xml);;All files (*)</source>
        <translation>OPML 文件 (*.opml *.xml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="378" />
        <source>Exported {count} podcasts ({private} private feeds left out).</source>
        <translation>已导出 {count} 个播客（未包含 {private} 个私有订阅）。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="386" />
        <source>Export subscriptions</source>
        <translation>导出订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="420" />
        <source>Refreshed {count} podcasts: {new} new episodes, {failed} failed.</source>
        <translation>已刷新 {count} 个播客：{new} 个新单集，{failed} 个失败。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="427" />
        <source>Unsubscribed from {title}.</source>
        <translation>已取消订阅 {title}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="434" />
        <source>Imported {count} podcasts ({failed} failed).</source>
        <translation>已导入 {count} 个播客（{failed} 个失败）。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="446" />
        <source>This episode has nothing to play.</source>
        <translation>此单集没有可播放的内容。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="494" />
        <source>The transcript could not be loaded: {error}</source>
        <translation>无法加载文字稿：{error}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="524" />
        <source>Directory search is not available.</source>
        <translation>目录搜索不可用。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="550" />
        <source>Download finished.</source>
        <translation>下载完成。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="563" />
        <source>{title}: {message}</source>
        <translation>{title}：{message}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="564" />
        <source>{title}: {new} new episodes</source>
        <translation>{title}：{new} 个新单集</translation>
    </message>
</context>
<context>
    <name>NowPlayingBar</name>
    <message>
        <location filename="../../app/components/now_playing.py" line="73" />
        <source>Position</source>
        <translation>播放位置</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="77" />
        <source>Time elapsed</source>
        <translation>已播放时间</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="79" />
        <source>Time remaining</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="87" />
        <source>Chapters, polls and comments</source>
        <translation>章节、投票和评论</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="97" />
        <source>Episode playing</source>
        <translation>正在播放的单集</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="100" />
        <source>Chapter playing</source>
        <translation>当前章节</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="106" />
        <source>Skip back</source>
        <translation>后退</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="108" />
        <location filename="../../app/components/now_playing.py" line="221" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="110" />
        <source>Skip forward</source>
        <translation>快进</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="117" />
        <location filename="../../app/components/now_playing.py" line="118" />
        <source>Polls and comments</source>
        <translation>投票和评论</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="119" />
        <source>Show the polls, questions and comments of this episode</source>
        <translation>显示本集的投票、问题和评论</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="127" />
        <location filename="../../app/components/now_playing.py" line="128" />
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="135" />
        <source>Sleep timer</source>
        <translation>睡眠定时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="139" />
        <source>In {minutes} minutes</source>
        <translation>{minutes} 分钟后</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="140" />
        <source>At the end of the episode</source>
        <translation>本集结束时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="141" />
        <source>At the end of the chapter</source>
        <translation>本章结束时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="142" />
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="154" />
        <location filename="../../app/components/now_playing.py" line="155" />
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="179" />
        <source>Nothing playing</source>
        <translation>未在播放</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="221" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>PinnedAnswersModel</name>
    <message>
        <location filename="../../app/components/interaction_comments.py" line="176" />
        <source>“{question}” {author}: {answer}</source>
        <translation>“{question}” {author}：{answer}</translation>
    </message>
</context>
<context>
    <name>PlaybackAdapter</name>
    <message>
        <location filename="../../app/adapters/playback.py" line="192" />
        <source>End of episode</source>
        <translation>本集结束</translation>
    </message>
    <message>
        <location filename="../../app/adapters/playback.py" line="194" />
        <source>End of chapter</source>
        <translation>本章结束</translation>
    </message>
</context>
<context>
    <name>PodcastListModel</name>
    <message>
        <location filename="../../app/models/podcasts.py" line="125" />
        <source>Last refresh failed: {error}</source>
        <translation>上次刷新失败：{error}</translation>
    </message>
</context>
<context>
    <name>PodcastOptions</name>
    <message>
        <location filename="../../app/podcast_options.py" line="40" />
        <source>Your default speed</source>
        <translation>你的默认速度</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="43" />
        <source>Playback speed for this show</source>
        <translation>本节目的播放速度</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="44" />
        <source>Play episodes of {title} at:</source>
        <translation>{title} 的单集播放速度：</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="60" />
        <source>Episodes of {title} play at your default speed.</source>
        <translation>{title} 的单集将以你的默认速度播放。</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="62" />
        <source>Episodes of {title} play at {speed}.</source>
        <translation>{title} 的单集将以 {speed} 播放。</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="77" />
        <source>New episodes of {title} will be downloaded automatically.</source>
        <translation>{title} 的新单集将自动下载。</translation>
    </message>
    <message>
        <location filename="../../app/podcast_options.py" line="79" />
        <source>New episodes of {title} will no longer be downloaded automatically.</source>
        <translation>{title} 的新单集将不再自动下载。</translation>
    </message>
</context>
<context>
    <name>PurchasesModel</name>
    <message>
        <location filename="../../app/components/account_purchases.py" line="47" />
        <source>subscribed on this computer</source>
        <translation>已在这台电脑上订阅</translation>
    </message>
    <message>
        <location filename="../../app/components/account_purchases.py" line="49" />
        <source>bought; use Restore purchases to subscribe here</source>
        <translation>已购买；使用“恢复购买”在此订阅</translation>
    </message>
    <message>
        <location filename="../../app/components/account_purchases.py" line="50" />
        <source>access ended ({reason})</source>
        <translation>访问已结束（{reason}）</translation>
    </message>
    <message>
        <location filename="../../app/components/account_purchases.py" line="50" />
        <source>no longer among your purchases</source>
        <translation>已不在你的购买项目中</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../app/components/report_dialog.py" line="27" />
        <source>Report a problem</source>
        <translation>报告问题</translation>
    </message>
    <message>
        <location filename="../../app/components/report_dialog.py" line="32" />
        <source>This report holds Castwise's version, your platform and the recent log. Passwords, tokens and private feed addresses have been removed. Copy or save it and send it with a few words about what happened.</source>
        <translation>此报告包含 Castwise 的版本、你的平台和最近的日志。密码、令牌和私有订阅地址已被移除。复制或保存后发送给我们，并简单描述发生了什么。</translation>
    </message>
    <message>
        <location filename="../../app/components/report_dialog.py" line="41" />
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../app/components/report_dialog.py" line="44" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/components/report_dialog.py" line="45" />
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location filename="../../app/components/report_dialog.py" line="63" />
        <source>Save report</source>
        <translation>保存报告</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <location filename="../../app/pages/search.py" line="35" />
        <source>Search your library; press Enter to search podcast directories</source>
        <translation>搜索资料库；按回车搜索播客目录</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="36" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="45" />
        <source>In your library</source>
        <translation>你的资料库中</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="48" />
        <source>Library results</source>
        <translation>资料库搜索结果</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="55" />
        <location filename="../../app/pages/search.py" line="105" />
        <source>In podcast directories (double-click to subscribe)</source>
        <translation>播客目录中（双击订阅）</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="59" />
        <source>Directory results</source>
        <translation>目录搜索结果</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="80" />
        <source>Podcast: {title}</source>
        <translation>播客：{title}</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="88" />
        <source>Nothing in your library matches.</source>
        <translation>资料库中没有匹配的内容。</translation>
    </message>
    <message>
        <location filename="../../app/pages/search.py" line="94" />
        <source>Searching podcast directories…</source>
        <translation>正在搜索播客目录…</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../app/pages/settings.py" line="37" />
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="38" />
        <source>Download new episodes automatically</source>
        <translation>自动下载新单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="39" />
        <source>Delete played downloads after (days)</source>
        <translation>已播放的下载在多少天后删除</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="40" />
        <source>Keep at most this many downloads per podcast</source>
        <translation>每个播客最多保留的下载数</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="41" />
        <source>Refresh every (minutes, 0 = never)</source>
        <translation>刷新间隔（分钟，0 = 从不）</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="42" />
        <source>Skip back (seconds)</source>
        <translation>后退（秒）</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="43" />
        <source>Skip forward (seconds)</source>
        <translation>快进（秒）</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="44" />
        <source>Default playback speed</source>
        <translation>默认播放速度</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="45" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="46" />
        <source>Language (after a restart)</source>
        <translation>语言（重启后生效）</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="47" />
        <source>Load images in show notes from the internet</source>
        <translation>从网络加载节目简介中的图片</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="48" />
        <source>Castwise service address</source>
        <translation>Castwise 服务地址</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="51" />
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="52" />
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="55" />
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="56" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/pages/settings.py" line="57" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
</context>
<context>
    <name>ShowNotesView</name>
    <message>
        <location filename="../../app/widgets/show_notes.py" line="20" />
        <source>Show notes</source>
        <translation>节目简介</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../app/widgets/sidebar.py" line="21" />
        <source>Sections</source>
        <translation>栏目</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../app/components/transcript_view.py" line="39" />
        <location filename="../../app/components/transcript_view.py" line="40" />
        <source>Search the transcript</source>
        <translation>搜索文字稿</translation>
    </message>
    <message>
        <location filename="../../app/components/transcript_view.py" line="44" />
        <source>Follow along</source>
        <translation>跟随播放</translation>
    </message>
    <message>
        <location filename="../../app/components/transcript_view.py" line="55" />
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../app/components/transcript_view.py" line="62" />
        <source>No transcript for this episode.</source>
        <translation>此单集没有文字稿。</translation>
    </message>
    <message>
        <location filename="../../app/components/transcript_view.py" line="77" />
        <source>{count} lines match</source>
        <translation>{count} 行匹配</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../app/desktop/tray.py" line="28" />
        <location filename="../../app/desktop/tray.py" line="52" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/desktop/tray.py" line="30" />
        <source>Recently played</source>
        <translation>最近播放</translation>
    </message>
    <message>
        <location filename="../../app/desktop/tray.py" line="31" />
        <source>Show Castwise</source>
        <translation>显示 Castwise</translation>
    </message>
    <message>
        <location filename="../../app/desktop/tray.py" line="33" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/desktop/tray.py" line="52" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/desktop/notifications.py" line="88" />
        <location filename="../../app/desktop/tray.py" line="69" />
        <source>{count} new episodes</source>
        <translation>{count} 个新单集</translation>
    </message>
</context>
<context>
    <name>UpNextPage</name>
    <message>
        <location filename="../../app/pages/simple.py" line="48" />
        <source>Nothing up next</source>
        <translation>待播列表为空</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="49" />
        <source>Add episodes with “Add to Up Next” and they will play one after another.</source>
        <translation>用“加入待播”添加单集，它们会依次播放。</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="56" />
        <source>Up Next</source>
        <translation>待播</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="60" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="62" />
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="64" />
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/pages/simple.py" line="66" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
</TS>