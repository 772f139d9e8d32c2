"""A SQLite database or a data folder on a network share is refused: the common Linux network
mounts, Windows mapped drives and UNC paths (issue 16, point 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from app import db as db_module
from app.db import network_location, open_database
from app.services.errors import StorageError

LINUX_NETWORK_MOUNTS = ["fuse.gvfsd-fuse", "fuse.rclone", "9p", "ceph", "glusterfs",
                        "fuse.glusterfs", "afs"]


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "netz"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("fstype", LINUX_NETWORK_MOUNTS)
def test_a_database_on_a_common_network_mount_is_refused(
    share: Path, monkeypatch: pytest.MonkeyPatch, fstype: str,
) -> None:
    monkeypatch.setattr(db_module, "_mount_table", lambda: [("/", "ext4"), (str(share), fstype)])
    with pytest.raises(StorageError, match="Netzwerkfreigabe") as err:
        open_database(f"sqlite:///{share / 'stammkunde.sqlite3'}")
    assert fstype in err.value.message
    assert list(share.iterdir()) == []


@pytest.mark.parametrize("fstype", ["fuse.gvfsd-fuse", "cifs"])
def test_a_data_folder_on_a_network_mount_is_refused_on_the_command_line(
    share: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    fstype: str,
) -> None:
    monkeypatch.setattr(db_module, "_mount_table", lambda: [("/", "ext4"), (str(share), fstype)])
    data = share / "Stammkunde"
    assert main.main(["--data-dir", str(data), "check"]) == 2
    err = capsys.readouterr().err
    assert "Der Datenordner" in err and fstype in err
    assert not (data / "stammkunde.sqlite3").exists()


def test_a_local_disk_is_not_a_network_share(
    share: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db_module, "_mount_table", lambda: [("/", "ext4"), (str(share), "xfs")])
    assert network_location(share / "stammkunde.sqlite3") is None


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as a Windows PC whose drive Z: is a mapped network drive."""
    monkeypatch.setattr(db_module, "_is_windows", lambda: True)
    monkeypatch.setattr(db_module, "_windows_drive_type",
                        lambda root: 4 if root.upper() == "Z:\\" else 3)


@pytest.mark.usefixtures("windows")
@pytest.mark.parametrize(("path", "where"), [
    ("Z:\\Kunden\\stammkunde.sqlite3", "das Netzlaufwerk Z:"),
    ("z:/Kunden/stammkunde.sqlite3", "das Netzlaufwerk z:"),
    ("\\\\nas\\kunden\\stammkunde.sqlite3", "UNC-Pfad"),
    ("\\\\?\\UNC\\nas\\kunden\\stammkunde.sqlite3", "UNC-Pfad"),
    ("//nas/kunden/stammkunde.sqlite3", "UNC-Pfad"),
])
def test_windows_mapped_drives_and_unc_paths_are_network_shares(path: str, where: str) -> None:
    found = network_location(path)
    assert found is not None and where in found


@pytest.mark.usefixtures("windows")
def test_a_local_windows_drive_is_not_a_network_share() -> None:
    assert network_location("C:\\Users\\Meister\\Stammkunde\\stammkunde.sqlite3") is None
