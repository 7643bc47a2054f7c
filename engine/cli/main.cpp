#include "cli/cli_app.h"

int main(int argc, char** argv) { return ferry::cli::runCli(argc, argv); }
