// Placeholder entry; subcommands are registered in their own files.
#include <cstdio>
int main() { std::puts("ztsdk"); return 0; }
