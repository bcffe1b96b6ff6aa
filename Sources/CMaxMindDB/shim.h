// libmaxminddb (Debian: libmaxminddb-dev), the reader of MaxMind DB files (GeoLite2, DB-IP lite),
// for the server's approximate participant location.
#include <maxminddb.h>
