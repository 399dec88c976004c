#!/usr/bin/env bats
# kayak container inspect, and the top-level inspect with containers.

load helpers

@test "container inspect: Docker's fields in Docker's order" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF" echo hi
    local id=$output image
    image=$(image_id "$BUSYBOX_REF")
    run_kayak container inspect web
    check_with_python '
import json, sys
id, image = sys.argv[1], sys.argv[2]
doc = json.load(sys.stdin)
assert isinstance(doc, list) and len(doc) == 1
c = doc[0]
order = ["Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath",
         "HostsPath", "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel",
         "ProcessLabel", "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "Mounts",
         "Config", "NetworkSettings"]
assert list(c) == order, list(c)
assert c["Id"] == id and c["Image"] == image and c["Name"] == "/web"
assert c["Path"] == "echo" and c["Args"] == ["hi"]
s = c["State"]
assert list(s) == ["Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid",
                   "ExitCode", "Error", "StartedAt", "FinishedAt"], list(s)
assert s["Status"] == "created" and s["Running"] is False and s["Pid"] == 0
assert s["StartedAt"] == "0001-01-01T00:00:00Z"
cfg = c["Config"]
for k in ["Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",
          "OpenStdin", "StdinOnce", "Env", "Cmd", "Image", "Volumes", "WorkingDir", "Entrypoint",
          "OnBuild", "Labels"]:
    assert k in cfg, k
assert cfg["Hostname"] == id[:12] and cfg["Cmd"] == ["echo", "hi"] and cfg["Image"] == "kayak/busybox:latest"
assert cfg["AttachStdout"] is True and cfg["AttachStdin"] is False
h = c["HostConfig"]
for k in ["Binds", "NetworkMode", "PortBindings", "RestartPolicy", "AutoRemove", "CapAdd", "CapDrop",
          "Privileged", "ReadonlyRootfs", "SecurityOpt", "Memory", "NanoCpus", "PidsLimit", "LogConfig"]:
    assert k in h, k
assert c["GraphDriver"]["Name"] == c["Driver"]
assert c["LogPath"].endswith("/ctr.log")
assert "Ports" in c["NetworkSettings"]
print("ok")' "$id" "$image"
    assert "ok"
}

@test "container inspect -f and -s; missing containers are errors" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    run_kayak container inspect -f '{{.Name}} {{.State.Status}} {{.Config.Entrypoint}} {{.HostConfig.CapAdd}}' web
    assert "/web created [] []"
    run_kayak container inspect -s -f '{{.SizeRw}}' web
    assert "0"
    run_kayak inspect -s -f '{{gt .SizeRootFs 1000000}}' web
    assert "true"
    run_kayak_split 125 container inspect web nope
    assert "$(echo "$output" | head -1)" == "[" "the found ones are still printed"
    assert "$stderr" == "Error: No such container: nope"
}

@test "inspect looks for a container first, then an image; --type narrows it" {
    make_busybox_image
    # A container named like the image.
    run_kayak create --name busybox-ctr "$BUSYBOX_REF"
    local id=$output
    run_kayak inspect -f '{{.Id}}' busybox-ctr
    assert "$id"
    run_kayak inspect -f '{{.Id}}' "$BUSYBOX_REF"
    assert "$(image_id "$BUSYBOX_REF")"
    run_kayak 125 inspect --type image busybox-ctr
    assert_error "No such image: busybox-ctr"
    run_kayak 125 inspect --type container "$BUSYBOX_REF"
    assert_error "No such container: $BUSYBOX_REF"
    run_kayak 125 inspect nothing-here
    assert_error "No such object: nothing-here"
    # Containers resolve by unique ID prefix too.
    run_kayak inspect -f '{{.Name}}' "${id:0:6}"
    assert "/busybox-ctr"
}
