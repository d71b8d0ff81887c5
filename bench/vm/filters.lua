-- The benchmark's filters written by hand in Lua 5.4, the scripting VM
-- baseline: each takes the captured bytes as a string and the length on
-- the wire, and returns what the cBPF program returns (SNAP or 0; a
-- load outside the captured bytes rejects, as in cBPF).

local byte, unpack = string.byte, string.unpack
local SNAP = 65535

local function u16(p, off)
	if off + 2 > #p then return nil end
	return unpack(">I2", p, off + 1)
end

local function u32(p, off)
	if off + 4 > #p then return nil end
	return unpack(">I4", p, off + 1)
end

local function port(p, proto, want)
	local v = u16(p, 12)
	if v == 0x86dd then
		if byte(p, 21) ~= proto then return 0 end
		v = u16(p, 54)
		if v == nil then return 0 end
		if v == want then return SNAP end
		if u16(p, 56) == want then return SNAP end
		return 0
	end
	if v ~= 0x800 or byte(p, 24) ~= proto then return 0 end
	v = u16(p, 20)
	if v == nil or v & 0x1fff ~= 0 then return 0 end
	v = byte(p, 15)
	if v == nil then return 0 end
	local x = (v & 0xf) << 2
	v = u16(p, x + 14)
	if v == nil then return 0 end
	if v == want then return SNAP end
	if u16(p, x + 16) == want then return SNAP end
	return 0
end

local function addr(p, mask, want)
	local v = u16(p, 12)
	local a, b
	if v == 0x800 then
		a, b = 26, 30
	elseif v == 0x806 or v == 0x8035 then
		a, b = 28, 38
	else
		return 0
	end
	v = u32(p, a)
	if v == nil then return 0 end
	if v & mask == want then return SNAP end
	v = u32(p, b)
	if v ~= nil and v & mask == want then return SNAP end
	return 0
end

filters = {
	["tcp port 80"] = function(p) return port(p, 6, 80) end,
	["udp port 53"] = function(p) return port(p, 17, 53) end,
	["host 192.168.1.10"] = function(p)
		return addr(p, 0xffffffff, 0xc0a8010a)
	end,
	["net 10.0.0.0/8"] = function(p)
		return addr(p, 0xff000000, 0x0a000000)
	end,
	["tcp[tcpflags] & tcp-syn != 0"] = function(p)
		if u16(p, 12) ~= 0x800 or byte(p, 24) ~= 6 then return 0 end
		local v = u16(p, 20)
		if v == nil or v & 0x1fff ~= 0 then return 0 end
		v = byte(p, 15)
		if v == nil then return 0 end
		v = byte(p, ((v & 0xf) << 2) + 28)
		if v == nil or v & 2 == 0 then return 0 end
		return SNAP
	end,
	["arp"] = function(p)
		if u16(p, 12) == 0x806 then return SNAP end
		return 0
	end,
}

-- Run filter `name` over every packet `rounds` times; the number of
-- packets it kept.
function run(name, packets, rounds)
	local f, kept = filters[name], 0
	for _ = 1, rounds do
		for i = 1, #packets do
			if f(packets[i]) ~= 0 then kept = kept + 1 end
		end
	end
	return kept
end
