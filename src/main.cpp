// kayak: a daemonless, rootless container engine.
#include <cstdio>
int main() { std::puts("kayak"); return 0; }
