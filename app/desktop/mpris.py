"""MPRIS on Linux: the desktop's media keys, sound menu and ``playerctl`` control Castwise.

Two D-Bus adaptors on ``/org/mpris/MediaPlayer2`` under the bus name
``org.mpris.MediaPlayer2.castwise``: the root interface (identity, raise, quit) and the player
interface (status, metadata, position, rate, volume and the transport methods). Changes are
announced with ``org.freedesktop.DBus.Properties.PropertiesChanged`` as the specification asks;
seeks with ``Seeked``. MPRIS times are microseconds; Castwise's are milliseconds.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject, Signal, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusArgument, QDBusConnection, QDBusMessage, QDBusObjectPath

from app.adapters.playback import PlaybackAdapter
from player.controller import EpisodeMedia

log = logging.getLogger(__name__)

OBJECT_PATH = "/org/mpris/MediaPlayer2"
SERVICE_NAME = "org.mpris.MediaPlayer2.castwise"
ROOT_INTERFACE = "org.mpris.MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
_STATUS = {"playing": "Playing", "loading": "Playing", "paused": "Paused"}


@ClassInfo({"D-Bus Interface": ROOT_INTERFACE})
class _RootAdaptor(QDBusAbstractAdaptor):
    def __init__(self, service: MprisService) -> None:
        super().__init__(service)
        self._service = service

    @Property(str)
    def Identity(self) -> str:
        return "Castwise"

    @Property(str)
    def DesktopEntry(self) -> str:
        return "castwise"

    @Property(bool)
    def CanQuit(self) -> bool:
        return True

    @Property(bool)
    def CanRaise(self) -> bool:
        return True

    @Property(bool)
    def HasTrackList(self) -> bool:
        return False

    @Property("QStringList")
    def SupportedUriSchemes(self) -> list[str]:
        return ["http", "https", "file"]

    @Property("QStringList")
    def SupportedMimeTypes(self) -> list[str]:
        return ["audio/mpeg", "audio/ogg", "audio/mp4", "audio/x-m4a", "audio/aac"]

    @Slot()
    def Raise(self) -> None:
        self._service.raise_requested.emit()

    @Slot()
    def Quit(self) -> None:
        self._service.quit_requested.emit()


@ClassInfo({"D-Bus Interface": PLAYER_INTERFACE})
class _PlayerAdaptor(QDBusAbstractAdaptor):
    Seeked = Signal("qlonglong")

    def __init__(self, service: MprisService) -> None:
        super().__init__(service)
        self._service = service

    @property
    def _playback(self) -> PlaybackAdapter:
        return self._service.playback

    @Property(str)
    def PlaybackStatus(self) -> str:
        return self._service.status

    @Property("QVariantMap")
    def Metadata(self) -> dict[str, Any]:
        return self._service.metadata()

    def _get_rate(self) -> float:
        return float(self._playback.controller.rate)

    def _set_rate(self, rate: float) -> None:
        self._playback.set_rate(min(3.0, max(0.5, float(rate))))

    Rate = Property(float, _get_rate, _set_rate)

    def _get_volume(self) -> float:
        return self._playback.controller.volume / 100.0

    def _set_volume(self, volume: float) -> None:
        self._playback.set_volume(round(min(1.0, max(0.0, float(volume))) * 100))

    Volume = Property(float, _get_volume, _set_volume)

    @Property("qlonglong")
    def Position(self) -> int:
        return self._playback.position_ms() * 1000

    @Property(float)
    def MinimumRate(self) -> float:
        return 0.5

    @Property(float)
    def MaximumRate(self) -> float:
        return 3.0

    @Property(bool)
    def CanGoNext(self) -> bool:
        return True

    @Property(bool)
    def CanGoPrevious(self) -> bool:
        return True

    @Property(bool)
    def CanPlay(self) -> bool:
        return self._playback.current is not None

    @Property(bool)
    def CanPause(self) -> bool:
        return self._playback.current is not None

    @Property(bool)
    def CanSeek(self) -> bool:
        return self._playback.current is not None

    @Property(bool)
    def CanControl(self) -> bool:
        return True

    @Slot()
    def PlayPause(self) -> None:
        self._playback.toggle_play_pause()

    @Slot()
    def Play(self) -> None:
        if self._playback.state.value not in ("playing", "loading"):
            self._playback.toggle_play_pause()

    @Slot()
    def Pause(self) -> None:
        if self._playback.state.value in ("playing", "loading"):
            self._playback.toggle_play_pause()

    @Slot()
    def Stop(self) -> None:
        self._playback.stop()

    @Slot()
    def Next(self) -> None:
        self._playback.next_chapter()

    @Slot()
    def Previous(self) -> None:
        self._playback.previous_chapter()

    @Slot("qlonglong")
    def Seek(self, offset_us: int) -> None:
        self._playback.seek(self._playback.position_ms() + offset_us // 1000)
        self.Seeked.emit(self._playback.position_ms() * 1000)

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, track: QDBusObjectPath, position_us: int) -> None:
        current = self._playback.current
        if current is not None and track.path() == track_path(current.episode_id):
            self._playback.seek(position_us // 1000)
            self.Seeked.emit(self._playback.position_ms() * 1000)


def track_path(episode_id: int) -> str:
    return f"/org/castwise/episode/{episode_id}"


class MprisService(QObject):
    """Publishes ``playback`` on the session bus; :meth:`register` says whether it worked."""

    raise_requested = Signal()
    quit_requested = Signal()

    def __init__(self, playback: PlaybackAdapter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        self.status = "Stopped"
        self._media: EpisodeMedia | None = None
        self._podcast_title = ""
        self._root = _RootAdaptor(self)
        self._player = _PlayerAdaptor(self)
        self._bus: QDBusConnection | None = None
        playback.state_changed.connect(self._on_playback_state_changed)
        playback.episode_changed.connect(self._on_playback_episode_changed)
        playback.rate_changed.connect(lambda rate: self._announce({"Rate": float(rate)}))
        playback.volume_changed.connect(lambda volume: self._announce({"Volume": volume / 100.0}))

    def register(self, bus: QDBusConnection | None = None) -> bool:
        """Export the object and take the bus name; False (logged) where there is no session bus."""
        bus = bus if bus is not None else QDBusConnection.sessionBus()
        if not bus.isConnected():
            log.info("no D-Bus session bus: MPRIS is off")
            return False
        if not bus.registerObject(OBJECT_PATH, self):
            log.warning("MPRIS object path is taken")
            return False
        if not bus.registerService(SERVICE_NAME):
            log.warning("MPRIS bus name %s is taken (another Castwise running?)", SERVICE_NAME)
            bus.unregisterObject(OBJECT_PATH)
            return False
        self._bus = bus
        return True

    def unregister(self) -> None:
        if self._bus is not None:
            self._bus.unregisterService(SERVICE_NAME)
            self._bus.unregisterObject(OBJECT_PATH)
            self._bus = None

    def set_podcast_title(self, title: str) -> None:
        self._podcast_title = title
        self._announce({"Metadata": self.metadata()})

    def metadata(self) -> dict[str, Any]:
        media = self._media
        if media is None:
            return {"mpris:trackid": QDBusObjectPath("/org/mpris/MediaPlayer2/TrackList/NoTrack")}
        data: dict[str, Any] = {
            "mpris:trackid": QDBusObjectPath(track_path(media.episode_id)),
            "xesam:title": media.title,
            "xesam:url": media.location,
        }
        if media.duration_ms:
            data["mpris:length"] = int(media.duration_ms) * 1000
        if self._podcast_title:
            data["xesam:album"] = self._podcast_title
            data["xesam:artist"] = [self._podcast_title]
        return data

    def _on_playback_state_changed(self, state: str) -> None:
        status = _STATUS.get(state, "Stopped")
        if status != self.status:
            self.status = status
            self._announce({"PlaybackStatus": status, "CanPlay": True, "CanPause": True, "CanSeek": True})

    def _on_playback_episode_changed(self, media: EpisodeMedia) -> None:
        self._media = media
        self._podcast_title = ""
        self._announce({"Metadata": self.metadata()})

    def _announce(self, changed: dict[str, Any]) -> None:
        if self._bus is None:
            return
        message = QDBusMessage.createSignal(OBJECT_PATH, "org.freedesktop.DBus.Properties", "PropertiesChanged")
        message.setArguments([PLAYER_INTERFACE, changed, _empty_string_list()])
        self._bus.send(message)


def _empty_string_list() -> QDBusArgument:
    """An empty ``as``: a plain empty Python list would be sent as ``av``, which clients reject."""
    argument = QDBusArgument()
    argument.beginArray(QMetaType(QMetaType.Type.QString.value))
    argument.endArray()
    return argument
