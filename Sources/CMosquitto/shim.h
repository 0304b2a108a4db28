// libmosquitto imports cleanly except its enums, whose values Swift sees as structs;
// these constants let Swift compare return codes without rawValue noise.
#ifndef CMOSQUITTO_SHIM_H
#define CMOSQUITTO_SHIM_H

#include <mosquitto.h>

static const int cmosq_err_success = MOSQ_ERR_SUCCESS;
static const int cmosq_err_no_conn = MOSQ_ERR_NO_CONN;
static const int cmosq_err_conn_lost = MOSQ_ERR_CONN_LOST;
static const int cmosq_err_errno = MOSQ_ERR_ERRNO;
static const int cmosq_err_payload_size = MOSQ_ERR_PAYLOAD_SIZE;
static const int cmosq_opt_protocol_version = MOSQ_OPT_PROTOCOL_VERSION;
static const int cmosq_protocol_v311 = MQTT_PROTOCOL_V311;

#endif
