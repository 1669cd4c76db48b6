/*
 * main.c — the ferry binary: parse the command line, build the machine, run.
 */
#include "core/error.h"

int main(int argc, char **argv)
{
    error_set_progname(argv[0]);
    fatal("nothing implemented yet");
}
