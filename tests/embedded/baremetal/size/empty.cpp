// Code-size baseline: what every bare-metal program carries before it calls stela (the
// vector table, newlib-nano's crt0 and exit, semihosting). The size table subtracts it.
int main() { return 0; }
