<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
        <location filename="../../app/models/episodes.py" line="106" />
        <source>Video (plays as audio)</source>
        <translation>视频（以音频播放）</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="107" />
        <source>Live: not supported yet</source>
        <translation>直播：暂不支持</translation>
    </message>
    <message>
        <location filename="../../app/models/episodes.py" line="108" />
        <source>Nothing to play</source>
        <translation>没有可播放的内容</translation>
    </message>
</context>
<context>
    <name>ForYouPage</name>
    <message>
        <location filename="../../app/pages/for_you.py" line="47" />
        <source>Recommendations are on their way</source>
        <translation>推荐即将到来</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="49" />
        <source>Castwise learns what you like on this computer, from what you play, like and skip. Once the recommender is installed and you have listened a little, picks with their reasons appear here. Your listening history never leaves this machine.</source>
        <translation>Castwise 在这台电脑上根据你播放、喜欢和跳过的内容了解你的喜好。安装推荐模型并收听一段时间后，推荐及其理由会显示在这里。你的收听记录永远不会离开这台电脑。</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="61" />
        <source>Recommended episodes</source>
        <translation>推荐的单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="66" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="68" />
        <source>Not interested</source>
        <translation>不感兴趣</translation>
    </message>
    <message>
        <location filename="../../app/pages/for_you.py" line="80" />
        <source>Updating recommendations…</source>
        <translation>正在更新推荐…</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../app/pages/library.py" line="88" />
        <source>Welcome to Castwise</source>
        <translation>欢迎使用 Castwise</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="89" />
        <source>Subscribe to a podcast by its feed address, import your subscriptions from another app as OPML, or find shows in Search.</source>
        <translation>通过订阅源地址订阅播客，以 OPML 从其他应用导入订阅，或在“搜索”中查找节目。</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="91" />
        <source>Subscribe by URL…</source>
        <translation>通过 URL 订阅…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="94" />
        <source>Import OPML…</source>
        <translation>导入 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="107" />
        <source>Subscribe by URL</source>
        <translation>通过 URL 订阅</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="108" />
        <source>Import OPML</source>
        <translation>导入 OPML</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="109" />
        <source>Refresh all podcasts</source>
        <translation>刷新所有播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="110" />
        <location filename="../../app/pages/library.py" line="361" />
        <source>Unsubscribe</source>
        <translation>取消订阅</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="113" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="115" />
        <source>Show podcasts as a grid</source>
        <translation>以网格显示播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="118" />
        <source>Sort podcasts</source>
        <translation>播客排序</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="119" />
        <source>A–Z</source>
        <translation>按名称</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="120" />
        <source>New episodes</source>
        <translation>新单集数</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="129" />
        <source>Refresh progress</source>
        <translation>刷新进度</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="133" />
        <source>All new episodes</source>
        <translation>所有新单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="143" />
        <source>Podcasts</source>
        <translation>播客</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="159" />
        <location filename="../../app/pages/library.py" line="160" />
        <source>Filter episodes</source>
        <translation>筛选单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="164" />
        <source>Show episodes</source>
        <translation>显示单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="166" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="167" />
        <source>Unplayed</source>
        <translation>未播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="168" />
        <source>In progress</source>
        <translation>收听中</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="169" />
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="170" />
        <source>Played</source>
        <translation>已播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="185" />
        <source>Episodes</source>
        <translation>单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="264" />
        <source>Refreshing %v of %m</source>
        <translation>正在刷新 %v / %m</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="273" />
        <source>{title}: {error}</source>
        <translation>{title}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="342" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="343" />
        <source>Add to Up Next</source>
        <translation>加入待播</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="344" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="346" />
        <source>Mark as played</source>
        <translation>标记为已播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="347" />
        <source>Mark as unplayed</source>
        <translation>标记为未播放</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="355" />
        <source>Playback speed for this show…</source>
        <translation>本节目的播放速度…</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="356" />
        <source>Auto-download new episodes</source>
        <translation>自动下载新单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="387" />
        <source>{count} episodes</source>
        <translation>{count} 个单集</translation>
    </message>
    <message>
        <location filename="../../app/pages/library.py" line="388" />
        <source>{shown} of {total} episodes</source>
        <translation>{shown} / {total} 个单集</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="124" />
        <source>Library</source>
        <translation>资料库</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="125" />
        <source>Up Next</source>
        <translation>待播</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="126" />
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="127" />
        <source>For You</source>
        <translation>为你推荐</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="128" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="129" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="139" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="140" />
        <source>Subscribe by URL…</source>
        <translation>通过 URL 订阅…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="141" />
        <source>Import OPML…</source>
        <translation>导入 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="142" />
        <source>Export OPML…</source>
        <translation>导出 OPML…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="143" />
        <source>Refresh all podcasts</source>
        <translation>刷新所有播客</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="145" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="146" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="147" />
        <source>Report a problem…</source>
        <translation>报告问题…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="265" />
        <source>Added to Up Next.</source>
        <translation>已加入待播。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="267" />
        <source>Already in Up Next.</source>
        <translation>已在待播列表中。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="277" />
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="283" />
        <source>Subscribing to {url}…</source>
        <translation>正在订阅 {url}…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="325" />
        <source>Importing {name}…</source>
        <translation>正在导入 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="342" />
        <source>Subscribe</source>
        <translation>订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="342" />
        <source>Feed address (URL):</source>
        <translation>订阅源地址（URL）：</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="348" />
        <source>Import subscriptions</source>
        <translation>导入订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="348" />
        <location filename="../../app/main_window.py" line="366" />
        <source>OPML files (*.opml *.xml);;All files (*)</source>
        <translation>OPML 文件 (*.opml *.xml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="358" />
        <source>Exported {count} podcasts ({private} private feeds left out).</source>
        <translation>已导出 {count} 个播客（未包含 {private} 个私有订阅）。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="366" />
        <source>Export subscriptions</source>
        <translation>导出订阅</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="396" />
        <source>Refreshed {count} podcasts: {new} new episodes, {failed} failed.</source>
        <translation>已刷新 {count} 个播客：{new} 个新单集，{failed} 个失败。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="403" />
        <source>Unsubscribed from {title}.</source>
        <translation>已取消订阅 {title}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="410" />
        <source>Imported {count} podcasts ({failed} failed).</source>
        <translation>已导入 {count} 个播客（{failed} 个失败）。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="422" />
        <source>This episode has nothing to play.</source>
        <translation>此单集没有可播放的内容。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="470" />
        <source>The transcript could not be loaded: {error}</source>
        <translation>无法加载文字稿：{error}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="498" />
        <source>Directory search is not available.</source>
        <translation>目录搜索不可用。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="524" />
        <source>Download finished.</source>
        <translation>下载完成。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="537" />
        <source>{title}: {message}</source>
        <translation>{title}：{message}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="538" />
        <source>{title}: {new} new episodes</source>
        <translation>{title}：{new} 个新单集</translation>
    </message>
</context>
<context>
    <name>NowPlayingBar</name>
    <message>
        <location filename="../../app/components/now_playing.py" line="64" />
        <source>Position</source>
        <translation>播放位置</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="68" />
        <source>Time elapsed</source>
        <translation>已播放时间</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="70" />
        <source>Time remaining</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="78" />
        <source>Chapter marks</source>
        <translation>章节标记</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="88" />
        <source>Episode playing</source>
        <translation>正在播放的单集</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="91" />
        <source>Chapter playing</source>
        <translation>当前章节</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="97" />
        <source>Skip back</source>
        <translation>后退</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="99" />
        <location filename="../../app/components/now_playing.py" line="182" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="101" />
        <source>Skip forward</source>
        <translation>快进</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="108" />
        <location filename="../../app/components/now_playing.py" line="109" />
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="116" />
        <source>Sleep timer</source>
        <translation>睡眠定时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="120" />
        <source>In {minutes} minutes</source>
        <translation>{minutes} 分钟后</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="121" />
        <source>At the end of the episode</source>
        <translation>本集结束时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="122" />
        <source>At the end of the chapter</source>
        <translation>本章结束时</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="123" />
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="135" />
        <location filename="../../app/components/now_playing.py" line="136" />
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="158" />
        <source>Nothing playing</source>
        <translation>未在播放</translation>
    </message>
    <message>
        <location filename="../../app/components/now_playing.py" line="182" />
        <source>Pause</source>
        <translation>暂停</translation>
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
        <location filename="../../app/models/podcasts.py" line="82" />
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