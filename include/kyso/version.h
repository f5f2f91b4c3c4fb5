/* kyso — version of the library and programs. */
#ifndef KYSO_VERSION_H
#define KYSO_VERSION_H
#define KYSO_VERSION_STRING "0.1.0"
#endif
