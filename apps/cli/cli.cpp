#include <cstdio>

int main() {
  std::fputs("barbershop: the command-line client is not built yet\n", stderr);
  return 1;
}
