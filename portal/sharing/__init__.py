"""Inter-agency sharing (政务数据共享), as SHARING.md specifies it."""
